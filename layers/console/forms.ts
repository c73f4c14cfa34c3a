import { ApiProblemError } from './api-client.ts';
import { fieldId } from './render.ts';

/** One error on a form: the field it belongs to (the API's field path) and what to do about it. */
export interface FieldError {
  field: string;
  message: string;
  /** The element the error summary links to, when it is not the field's own (a date's day input). */
  anchor?: string;
}

/** A trimmed value, or undefined when the field was left empty. */
export function textField(form: URLSearchParams, name: string): string | undefined {
  const value = form.get(name)?.trim();
  return value ? value : undefined;
}

/**
 * A GOV.UK date input (`<name>-day`, `-month`, `-year`) as an ISO date. Empty is undefined; a part missing
 * or not a number is an error naming the date; whether the date exists is the API's to say.
 */
export function dateField(
  form: URLSearchParams,
  name: string,
  label: string,
): { value?: string; error?: FieldError } {
  const parts = ['day', 'month', 'year'].map((p) => (form.get(`${name}-${p}`) ?? '').trim());
  const [day, month, year] = parts as [string, string, string];
  if (!day && !month && !year) return {};
  const anchor = `${fieldId(name)}-${!day ? 'day' : !month ? 'month' : 'year'}`;
  if (!day || !month || !year)
    return { error: { field: name, anchor, message: `${label} must include a day, month and year` } };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year))
    return {
      error: {
        field: name,
        anchor: `${fieldId(name)}-day`,
        message: `${label} must be a real date, like 27 3 2016`,
      },
    };
  return { value: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

/** A date's parts as the form showed them, to show them again. */
export function dateParts(form: URLSearchParams, name: string) {
  return {
    day: form.get(`${name}-day`) ?? '',
    month: form.get(`${name}-month`) ?? '',
    year: form.get(`${name}-year`) ?? '',
  };
}

/** An ISO date as a date input's parts. */
export function partsOfDate(iso: string | undefined) {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
}

const CONTINUES_A_LABEL = /^(is|are|must|needs?|has|have|should|was|cannot|can only|applies|may)\b/;

/**
 * The API's words for integrators, put as a form's words for people: no lists of codes, no formats such as
 * YYYY-MM-DD, no check-digit arithmetic, no rule numbers.
 */
export function inPlainWords(message: string): string {
  return message
    .replace(/\s*\(R\d+\)/g, '')
    .replace(/^must be one of:.*$/s, 'is not one of the choices: select one')
    .replace(/^is required \(one of:.*\)$/s, 'is required: select one')
    .replace(/ written YYYY-MM-DD/g, '')
    .replace(/\s*\((?:modulus 11|check character)[^)]*\)/g, '')
    .replace(/^must be a telephone number$/, 'must be a UK phone number, like 0113 496 0000')
    .replace(
      / unless an NHS number or UPN is given/g,
      ', unless you search by NHS number or unique pupil number',
    );
}

/**
 * The API's refusal of a form as errors on its fields. The API is the one judge of what is valid (its zod
 * schemas); its words are put after the field's label ("Date of birth is required …"). Fields of a date
 * link to its first input.
 */
export function apiFieldErrors(
  error: unknown,
  labels: Readonly<Record<string, string>>,
  dates: readonly string[] = [],
): FieldError[] | undefined {
  if (!(error instanceof ApiProblemError) || ![400, 409, 422].includes(error.status)) return undefined;
  const first = Object.keys(labels)[0] ?? 'form';
  const listed = error.problem.errors ?? [];
  if (listed.length === 0)
    return [
      {
        field: first,
        message: error.problem.detail ?? error.problem.title ?? 'Check the form and try again',
      },
    ];
  return listed.map(({ field, message: said }) => {
    const message = inPlainWords(said);
    const known = Object.keys(labels).find((name) => field === name || field.startsWith(`${name}.`));
    const label = known ? labels[known] : undefined;
    const sentence =
      label && CONTINUES_A_LABEL.test(message)
        ? `${label} ${message}`
        : message.charAt(0).toUpperCase() + message.slice(1);
    const target = known ?? first;
    return {
      field: target,
      message: sentence,
      ...(dates.includes(target) && { anchor: `${fieldId(target)}-day` }),
    };
  });
}

/** The first error on a field, for its error message. */
export function errorOn(errors: readonly FieldError[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}
