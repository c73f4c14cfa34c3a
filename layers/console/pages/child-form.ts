import { isDeepStrictEqual } from 'node:util';
import type { ChildView } from '#domain/disclosure/view-schema.ts';
import { ApiProblemError } from '../api-client.ts';
import { apiFieldErrors, dateField, type FieldError, partsOfDate, textField } from '../forms.ts';
import { fieldId } from '../render.ts';

/**
 * The record form of the ContactPoint team (create and correct): form fields are named by the API's own field
 * paths (`address.postcode`, `carers.0.contact.phone`), so the API's field errors land on the inputs that
 * caused them. The form only shapes the request; whether it is valid is the API's to say (R1).
 */

export const CARER_RELATIONSHIPS = [
  ['mother', 'Mother'],
  ['father', 'Father'],
  ['step-parent', 'Step-parent'],
  ['grandparent', 'Grandparent'],
  ['aunt-or-uncle', 'Aunt or uncle'],
  ['sibling', 'Brother or sister'],
  ['foster-carer', 'Foster carer'],
  ['kinship-carer', 'Kinship carer'],
  ['special-guardian', 'Special guardian'],
  ['local-authority', 'Local authority'],
  ['other', 'Other'],
] as const;

export const GENDERS = [
  ['female', 'Female'],
  ['male', 'Male'],
  ['other', 'Other'],
  ['not-known', 'Not known'],
] as const;

/** At most this many carers (the API's own limit). */
export const MAX_CARERS = 10;

interface ContactBody {
  phone?: string;
  email?: string;
}

interface CarerBody {
  name: string;
  relationship: string;
  parentalResponsibility: boolean;
  contact: ContactBody;
}

/** What the form describes, in the API's shape (POST /children; compared field by field for a PATCH). */
export interface ChildBody {
  givenName: string;
  familyName: string;
  gender?: string;
  dateOfBirth?: string;
  nhsNumber?: string;
  upn?: string;
  address?: { line1?: string; line2?: string; town?: string; postcode?: string };
  carers?: CarerBody[];
  education?:
    | { status: 'in-education'; institutionName?: string; contact: ContactBody }
    | { status: 'not-in-education' };
  gpPractice?: { practiceName?: string; contact: ContactBody };
}

export interface ChildFormResult {
  body: ChildBody;
  /** Errors the form itself finds (a date with a part missing); the rest is the API's to judge. */
  errors: FieldError[];
  /** For each carer sent, the form row it came from (blank rows are not sent). */
  carerRows: number[];
}

/** Only the keys with a value: an object every one of whose parts was left empty is no object at all. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> | undefined {
  const kept = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length ? (kept as Partial<T>) : undefined;
}

function contactFrom(form: URLSearchParams, prefix: string): ContactBody {
  return (
    compact({ phone: textField(form, `${prefix}.phone`), email: textField(form, `${prefix}.email`) }) ?? {}
  );
}

/** How many carer rows the form showed (a hidden field), within 1 … MAX_CARERS. */
export function carerRowCount(form: URLSearchParams): number {
  const n = Number(form.get('carerRows'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_CARERS) : 1;
}

/** The request body the form describes. */
export function childFromForm(form: URLSearchParams): ChildFormResult {
  const errors: FieldError[] = [];
  const dob = dateField(form, 'dateOfBirth', 'Date of birth');
  if (dob.error) errors.push(dob.error);

  const address = compact({
    line1: textField(form, 'address.line1'),
    line2: textField(form, 'address.line2'),
    town: textField(form, 'address.town'),
    postcode: textField(form, 'address.postcode'),
  });

  const carers: CarerBody[] = [];
  const carerRows: number[] = [];
  for (let i = 0; i < carerRowCount(form); i++) {
    const p = `carers.${i}`;
    const name = textField(form, `${p}.name`);
    const relationship = textField(form, `${p}.relationship`);
    const contact = contactFrom(form, `${p}.contact`);
    // A row left blank is a row not used; a tick alone says nothing about anyone.
    if (!name && !relationship && !contact.phone && !contact.email) continue;
    carers.push({
      name: name ?? '',
      relationship: relationship ?? '',
      parentalResponsibility: form.get(`${p}.parentalResponsibility`) === 'yes',
      contact,
    });
    carerRows.push(i);
  }

  const status = form.get('education.status');
  const education: ChildBody['education'] =
    status === 'in-education'
      ? {
          status,
          ...compact({ institutionName: textField(form, 'education.institutionName') }),
          contact: contactFrom(form, 'education.contact'),
        }
      : status === 'not-in-education'
        ? { status }
        : undefined;

  const gpContact = contactFrom(form, 'gpPractice.contact');
  const practiceName = textField(form, 'gpPractice.practiceName');
  const gpPractice =
    practiceName || gpContact.phone || gpContact.email
      ? { ...(practiceName && { practiceName }), contact: gpContact }
      : undefined;

  const body: ChildBody = {
    givenName: textField(form, 'givenName') ?? '',
    familyName: textField(form, 'familyName') ?? '',
    ...compact({
      gender: textField(form, 'gender'),
      dateOfBirth: dob.value,
      nhsNumber: textField(form, 'nhsNumber')?.replace(/\s+/g, ''),
      upn: textField(form, 'upn')?.toUpperCase(),
      address,
      carers: carers.length ? carers : undefined,
      education,
      gpPractice,
    }),
  };
  return { body, errors, carerRows };
}

const OPTIONAL: readonly (keyof ChildBody)[] = [
  'nhsNumber',
  'upn',
  'address',
  'carers',
  'education',
  'gpPractice',
];

/**
 * A correction: only the fields whose value the form changed, `null` for an optional field emptied. The record
 * shown must be the API's own view (never a shielded one, which lacks the fields).
 */
export function childPatch(current: ChildView, wanted: ChildBody): Record<string, unknown> {
  const was: Record<string, unknown> = current.disclosure === 'shielded' ? {} : { ...current };
  if (Array.isArray(was.carers) && was.carers.length === 0) delete was.carers;
  const patch: Record<string, unknown> = {};
  for (const key of ['givenName', 'familyName', 'gender', 'dateOfBirth', ...OPTIONAL] as const) {
    const before = key === 'givenName' || key === 'familyName' ? current[key] : was[key];
    const after = wanted[key];
    if (after === undefined) {
      if (before !== undefined && OPTIONAL.includes(key)) patch[key] = null;
      continue;
    }
    if (!isDeepStrictEqual(normalised(before), normalised(after))) patch[key] = after;
  }
  return patch;
}

/** Compare values as JSON would carry them, with object keys in one order. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalised(v)]),
    );
  return value;
}

/** The form's values for a record as the API shows it (to correct it). */
export function formOfChild(view: ChildView): URLSearchParams {
  const form = new URLSearchParams();
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) form.set(name, value);
  };
  set('givenName', view.givenName);
  set('familyName', view.familyName);
  set('gender', view.gender);
  const dob = partsOfDate(view.dateOfBirth);
  set('dateOfBirth-day', dob.day);
  set('dateOfBirth-month', dob.month);
  set('dateOfBirth-year', dob.year);
  if (view.disclosure === 'shielded') return form;
  set('nhsNumber', view.nhsNumber);
  set('upn', view.upn);
  set('address.line1', view.address?.line1);
  set('address.line2', view.address?.line2);
  set('address.town', view.address?.town);
  set('address.postcode', view.address?.postcode);
  view.carers.forEach((c, i) => {
    set(`carers.${i}.name`, c.name);
    set(`carers.${i}.relationship`, c.relationship);
    if (c.parentalResponsibility) set(`carers.${i}.parentalResponsibility`, 'yes');
    set(`carers.${i}.contact.phone`, c.contact.phone);
    set(`carers.${i}.contact.email`, c.contact.email);
  });
  // One blank row after the carers held, for one more.
  form.set('carerRows', String(Math.min(view.carers.length + 1, MAX_CARERS)));
  if (view.education) {
    set('education.status', view.education.status);
    if (view.education.status === 'in-education') {
      set('education.institutionName', view.education.institutionName);
      set('education.contact.phone', view.education.contact.phone);
      set('education.contact.email', view.education.contact.email);
    }
  }
  set('gpPractice.practiceName', view.gpPractice?.practiceName);
  set('gpPractice.contact.phone', view.gpPractice?.contact.phone);
  set('gpPractice.contact.email', view.gpPractice?.contact.email);
  return form;
}

/** Labels of the form's fields, most specific first (an error on `address.postcode` is the postcode's). */
export function childLabels(rows: number): Record<string, string> {
  const labels: Record<string, string> = {
    givenName: 'Given name',
    familyName: 'Family name',
    gender: 'Gender',
    dateOfBirth: 'Date of birth',
    nhsNumber: 'NHS number',
    upn: 'Unique pupil number',
    'address.line1': 'Address line 1',
    'address.line2': 'Address line 2',
    'address.town': 'Town or city',
    'address.postcode': 'Postcode',
    address: 'Address',
  };
  for (let i = 0; i < rows; i++) {
    const who = `Parent or carer ${i + 1}`;
    Object.assign(labels, {
      [`carers.${i}.name`]: `${who}: full name`,
      [`carers.${i}.relationship`]: `${who}: relationship`,
      [`carers.${i}.parentalResponsibility`]: `${who}: parental responsibility`,
      [`carers.${i}.contact.phone`]: `${who}: phone number`,
      [`carers.${i}.contact.email`]: `${who}: email address`,
      [`carers.${i}.contact`]: `${who}: contact`,
    });
  }
  Object.assign(labels, {
    carers: 'Parents and carers',
    'education.status': 'Education',
    'education.institutionName': 'School or college',
    'education.contact.phone': 'School phone number',
    'education.contact.email': 'School email address',
    'education.contact': 'School contact',
    education: 'Education',
    'gpPractice.practiceName': 'GP practice name',
    'gpPractice.contact.phone': 'GP practice phone number',
    'gpPractice.contact.email': 'GP practice email address',
    'gpPractice.contact': 'GP practice contact',
    gpPractice: 'GP practice',
  });
  return labels;
}

/**
 * The API's refusal as errors on the form's fields: a carer's index is the form row it came from (blank rows
 * were not sent), and an error on a whole contact links to its phone number input.
 */
export function childFormErrors(error: unknown, carerRows: readonly number[]): FieldError[] | undefined {
  if (!(error instanceof ApiProblemError)) return undefined;
  const renumbered = new ApiProblemError(error.status, {
    ...error.problem,
    ...(error.problem.errors && {
      errors: error.problem.errors.map((e) => ({
        ...e,
        field: e.field.replace(
          /^carers\.(\d+)(?=\.|$)/,
          (_m, n: string) => `carers.${carerRows[Number(n)] ?? n}`,
        ),
      })),
    }),
  });
  const rows = Math.max(MAX_CARERS, ...carerRows.map((r) => r + 1));
  const errors = apiFieldErrors(renumbered, childLabels(rows), ['dateOfBirth'])?.map((e) => {
    // An error on education as a whole is shown on its radios.
    if (e.field === 'education') return { ...e, field: 'education.status' };
    return e.field.endsWith('contact') ? { ...e, anchor: `${fieldId(e.field)}-phone` } : e;
  });
  // One error a field: the first the API gives (an empty name is not also told which characters a name holds).
  return errors?.filter((e, i) => errors.findIndex((f) => f.field === e.field) === i);
}
