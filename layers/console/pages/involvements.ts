import { randomUUID } from 'node:crypto';
import { isSensitive, SERVICE_TYPES, type ServiceType } from '#domain/involvement/schema.ts';
import { apiFieldErrors, dateField, dateParts, type FieldError, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import { childPath, type PageContext, type PageRoute } from '../page.ts';

const LABELS = {
  serviceType: 'Service',
  practitionerName: 'Your name',
  role: 'Your role',
  contact: 'Contact',
  'contact.phone': 'Phone number',
  'contact.email': 'Email address',
  startDate: 'Start date',
  consent: 'Consent',
  'consent.givenBy': 'Consent',
  'consent.recordedOn': 'Date consent was recorded',
  override: 'Justification',
  'override.justification': 'Justification',
};

/** Service names as a practitioner reads them. */
export function serviceName(service: string): string {
  const words = service.replace(/-/g, ' ');
  return service === 'camhs' ? 'CAMHS (mental health)' : words.charAt(0).toUpperCase() + words.slice(1);
}

function formPage(ctx: PageContext, form: URLSearchParams, errors: FieldError[] = [], status = 200) {
  const selected = form.get('serviceType');
  return ctx.render(
    'involvement-new.njk',
    {
      title: 'Register your involvement',
      childPath: childPath(ctx),
      values: Object.fromEntries(form.entries()),
      startDate: dateParts(form, 'startDate'),
      consentDate: dateParts(form, 'consent.recordedOn'),
      idempotencyKey: form.get('idempotencyKey') ?? randomUUID(),
      services: (Object.keys(SERVICE_TYPES) as ServiceType[]).map((value) => ({
        value,
        text: `${serviceName(value)}${isSensitive(value) ? ' (specialist: needs consent or a justified override)' : ''}`,
        selected: value === selected,
      })),
      errors,
    },
    status,
  );
}

/** The request body the form describes; the API decides whether it is valid (R1, R2). */
function involvementFrom(form: URLSearchParams) {
  const errors: FieldError[] = [];
  const start = dateField(form, 'startDate', 'Start date');
  if (start.error) errors.push(start.error);
  const serviceType = form.get('serviceType') ?? '';
  const basis = form.get('basis');
  const phone = textField(form, 'contact.phone');
  const email = textField(form, 'contact.email');
  let consent: { givenBy: string; recordedOn: string } | undefined;
  let override: { justification: string } | undefined;
  if (serviceType in SERVICE_TYPES && isSensitive(serviceType as ServiceType)) {
    if (basis === 'young-person' || basis === 'parent-or-carer') {
      const recorded = dateField(form, 'consent.recordedOn', 'Date consent was recorded');
      if (recorded.error) errors.push(recorded.error);
      consent = { givenBy: basis, recordedOn: recorded.value ?? '' };
    } else if (basis === 'override') {
      override = { justification: textField(form, 'override.justification') ?? '' };
    } else {
      errors.push({
        field: 'consent',
        anchor: 'basis',
        message: 'Select how this specialist service was agreed',
      });
    }
  }
  return {
    errors,
    body: {
      serviceType,
      practitionerName: textField(form, 'practitionerName') ?? '',
      role: textField(form, 'role') ?? '',
      contact: { ...(phone && { phone }), ...(email && { email }) },
      startDate: start.value ?? '',
      leadProfessional: form.get('leadProfessional') === 'yes',
      assessmentCompleted: form.get('assessmentCompleted') === 'yes',
      ...(consent && { consent }),
      ...(override && { override }),
    },
  };
}

export const involvementPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/children/{childId}/involvements/new',
    handler: async (ctx) => formPage(ctx, new URLSearchParams()),
  },
  {
    method: 'POST',
    path: '/children/{childId}/involvements',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const { errors, body } = involvementFrom(form);
      if (errors.length) return formPage(ctx, form, errors, 400);
      try {
        // The form's own key: sending it twice (a double click, a retry) registers one involvement (R8).
        await ctx.api.call('POST', `${childPath(ctx)}/involvements`, {
          body,
          idempotencyKey: form.get('idempotencyKey') ?? randomUUID(),
        });
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, LABELS, ['startDate', 'consent.recordedOn']);
        if (fieldErrors) return formPage(ctx, form, fieldErrors, 400);
        throw error;
      }
      return redirect(`${childPath(ctx)}?done=registered#involved`);
    },
  },
];
