import type { SubjectAccessReport } from '#domain/audit/subject-access.ts';
import { childPath, type PageRoute } from '../page.ts';
import { ukDate } from '../render.ts';
import { serviceName } from './involvements.ts';
import { requireDataManager } from './records.ts';

const WORDS: Record<string, string> = {
  givenName: 'Given name',
  familyName: 'Family name',
  otherNames: 'Other name',
  gender: 'Gender',
  dateOfBirth: 'Date of birth',
  nhsNumber: 'NHS number',
  upn: 'Unique pupil number',
  address: 'Address',
  previousAddresses: 'Previous address',
  carers: 'Parent or carer',
  education: 'Education',
  gpPractice: 'GP practice',
  line1: 'line 1',
  line2: 'line 2',
  town: 'town',
  postcode: 'postcode',
  name: 'name',
  relationship: 'relationship',
  parentalResponsibility: 'parental responsibility',
  contact: 'contact',
  phone: 'phone',
  email: 'email',
  status: 'status',
  institutionName: 'school or college',
  practiceName: 'practice name',
};

/** A held field's path as the report names it (`carers[1].contact.phone`) in words: Parent or carer 1, contact, phone. */
export function heldFieldLabel(path: string): string {
  return path
    .split('.')
    .map((part) => {
      const [, word = part, n] = /^(\w+)(?:\[(\d+)\])?$/.exec(part) ?? [];
      return `${WORDS[word] ?? word}${n ? ` ${n}` : ''}`;
    })
    .join(', ');
}

/** A held value as a family reads it: dates written out, yes or no, codes in words. Names and numbers as held. */
export function heldValue(field: string, value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return ukDate(value);
  if (value === 'true' || value === 'false') return value === 'true' ? 'Yes' : 'No';
  if (/(gender|relationship|status)$/.test(field)) {
    const words = value.replace(/-/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return value;
}

const ACTIONS: Record<string, string> = {
  'view-child': 'Viewed the record',
  'search-children': 'Found in a search',
  'create-child': 'Created the record',
  'update-child': 'Corrected the record',
  'shield-child': 'Shielded the record',
  'unshield-child': 'Lifted the shield',
  'register-involvement': 'Registered an involvement',
  'update-involvement': 'Changed an involvement',
  'view-with-override': 'Broke the shield',
  'subject-access-report': 'Prepared a subject access report',
};

function actionText(action: string): string {
  return ACTIONS[action] ?? action.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * A subject access report (UK GDPR Art. 15) as a GOV.UK page: the API's JSON rendered by the console's own
 * templates and styles, so it obeys the console's CSP (the API's printable HTML carries an inline style).
 */
export const subjectAccessPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/children/{childId}/subject-access-report',
    handler: async (ctx) => {
      requireDataManager(ctx);
      const { body: report } = await ctx.api.get<SubjectAccessReport>(
        `${childPath(ctx)}/subject-access-report`,
      );
      return ctx.render('subject-access-report.njk', {
        title: 'Subject access report',
        childPath: childPath(ctx),
        report,
        held: report.held.map((h) => ({
          ...h,
          label: heldFieldLabel(h.field),
          value: heldValue(h.field, h.value),
        })),
        involvements: report.involvements.map((i) => ({ ...i, service: serviceName(i.serviceType) })),
        groups: report.accessByOrganisationAndRole.map((g) => ({
          ...g,
          actionList: Object.entries(g.actions).map(([a, n]) => `${actionText(a)}: ${n}`),
        })),
        accesses: report.accesses.map((a) => ({ ...a, actionText: actionText(a.action) })),
        anyWithheld:
          report.held.some((h) => h.withhold) ||
          report.involvements.some((i) => i.withhold) ||
          report.accessByOrganisationAndRole.some((g) => g.withhold),
      });
    },
  },
];
