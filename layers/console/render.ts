import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

/**
 * Where the page templates are: beside this module in the repository (layers/console/templates), and beside
 * the bundle in a deployed function (the bundling copies them to templates/, with GOV.UK Frontend's own
 * Nunjucks macros under node_modules/govuk-frontend/).
 */
function templateRoots(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const templates = join(here, 'templates');
  if (!existsSync(templates)) throw new Error(`The console templates are missing from ${templates}`);
  const govuk = dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json'));
  return [templates, join(govuk, 'dist')];
}

export type Renderer = (template: string, context: Record<string, unknown>) => string;

/** Nunjucks with GOV.UK Frontend's macros; everything is escaped unless a template says otherwise. */
export function createRenderer(): Renderer {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(templateRoots(), { noCache: false, watch: false }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('ukDate', (iso: unknown) => ukDate(iso));
  env.addFilter('ukDateTime', (iso: unknown) => ukDateTime(iso));
  env.addFilter('fieldId', (field: unknown) => fieldId(String(field ?? '')));
  env.addGlobal('fieldErrorMessage', fieldErrorMessage);
  return (template, context) => env.render(template, context);
}

/** The first error message on a form field, or '' (falsy in a template's `if`) when it has none. */
export function fieldErrorMessage(errors: unknown, field: unknown): string {
  if (!Array.isArray(errors)) return '';
  const found = errors.find((e: { field?: unknown }) => e && e.field === field) as
    | { message?: unknown }
    | undefined;
  return typeof found?.message === 'string' ? found.message : '';
}

/** A form field's element ID from its API field path (`address.postcode` → `address-postcode`). */
export function fieldId(field: string): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-');
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

/** GOV.UK style dates: 9 April 2016. */
export function ukDate(iso: unknown): string {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return String(iso ?? '');
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** GOV.UK style times: 9 April 2016 at 2:05pm (UK time). */
export function ukDateTime(iso: unknown): string {
  if (typeof iso !== 'string') return String(iso ?? '');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = dateTimeFormat.formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')} ${get('month')} ${get('year')} at ${get('hour')}:${get('minute')}${get('dayPeriod').toLowerCase()}`;
}
