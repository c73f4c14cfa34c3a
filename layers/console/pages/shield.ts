import type { ChildView } from '#domain/disclosure/view-schema.ts';
import { ApiProblemError } from '../api-client.ts';
import { apiFieldErrors, dateField, dateParts, type FieldError, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import { childPath, type PageContext, type PageRoute } from '../page.ts';
import { requireDataManager, TEAM_REASON } from './records.ts';

/** R3's grounds for shielding, in the words a ContactPoint team uses. */
export const SHIELD_REASONS = [
  ['risk-of-significant-harm', 'Risk of significant harm to the child'],
  ['adoption-placement-at-risk', 'An adoption placement would be put at risk'],
  ['adult-at-risk', 'An adult is at risk, for example from domestic abuse'],
  ['serious-crime', 'Prevention or detection of serious crime'],
  ['other', 'Another reason (explain below)'],
] as const;

export function shieldReasonText(code: string | undefined): string {
  return SHIELD_REASONS.find(([value]) => value === code)?.[1] ?? code ?? '';
}

const SHIELD_LABELS = { reason: 'Reason', reviewDate: 'Review date', reasonText: 'Explanation' };
const UNSHIELD_LABELS = { liftReasonText: 'Why the shield can be lifted' };

async function shieldPage(ctx: PageContext, form: URLSearchParams, errors: FieldError[] = [], status = 200) {
  requireDataManager(ctx);
  const { body: view } = await ctx.api.get<ChildView>(childPath(ctx), { reason: TEAM_REASON });
  const values = Object.fromEntries(form.entries());
  return ctx.render(
    'shield.njk',
    {
      title:
        view.disclosure === 'shielded' || ('shield' in view && view.shield)
          ? 'The shield on this record'
          : 'Shield this record',
      childPath: childPath(ctx),
      view,
      shield: view.disclosure !== 'shielded' ? view.shield : undefined,
      shieldReason: view.disclosure !== 'shielded' ? shieldReasonText(view.shield?.reason) : undefined,
      values,
      reviewDate: dateParts(form, 'reviewDate'),
      reasons: SHIELD_REASONS.map(([value, text]) => ({ value, text, checked: values.reason === value })),
      errors,
    },
    status,
  );
}

/** The shield request the form describes (PUT …/shield); the API judges it (R3). */
export function shieldRequestFrom(form: URLSearchParams): {
  body: { reason: string; reviewDate: string; reasonText?: string };
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const reason = form.get('reason') ?? '';
  if (!SHIELD_REASONS.some(([value]) => value === reason))
    errors.push({ field: 'reason', message: 'Select why the record must be shielded' });
  const review = dateField(form, 'reviewDate', 'Review date');
  if (review.error) errors.push(review.error);
  else if (!review.value)
    errors.push({
      field: 'reviewDate',
      anchor: 'reviewDate-day',
      message: 'Enter the date the shield will be reviewed',
    });
  const reasonText = textField(form, 'reasonText');
  return {
    body: { reason, reviewDate: review.value ?? '', ...(reasonText && { reasonText }) },
    errors,
  };
}

export const shieldPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/children/{childId}/shield',
    handler: (ctx) => shieldPage(ctx, new URLSearchParams()),
  },
  {
    method: 'POST',
    path: '/children/{childId}/shield',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const { body, errors } = shieldRequestFrom(form);
      if (errors.length) return shieldPage(ctx, form, errors, 400);
      try {
        await ctx.api.call('PUT', `${childPath(ctx)}/shield`, { body });
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, SHIELD_LABELS, ['reviewDate']);
        if (fieldErrors) return shieldPage(ctx, form, fieldErrors, 400);
        throw error;
      }
      return redirect(`${childPath(ctx)}?done=shielded`);
    },
  },
  {
    method: 'POST',
    path: '/children/{childId}/unshield',
    handler: async (ctx) => {
      const form = ctx.request.form;
      let status: number;
      try {
        status = (
          await ctx.api.call('DELETE', `${childPath(ctx)}/shield`, {
            body: { reasonText: textField(form, 'liftReasonText') ?? '' },
          })
        ).status;
      } catch (error) {
        // The API names its own field `reasonText`; on this page that is the lifting form's box. A record not
        // shielded (409) is the central error page's to explain.
        const fieldErrors =
          error instanceof ApiProblemError && error.status !== 409
            ? apiFieldErrors(error, { reasonText: UNSHIELD_LABELS.liftReasonText })
            : undefined;
        if (fieldErrors)
          return shieldPage(
            ctx,
            form,
            fieldErrors.map((e) => ({ ...e, field: 'liftReasonText' })),
            400,
          );
        throw error;
      }
      // 202: this team's agreement is recorded; the shield stays until the other council's team agrees too.
      return redirect(`${childPath(ctx)}?done=${status === 202 ? 'unshield-agreed' : 'unshielded'}`);
    },
  },
];
