import type { z } from 'zod';

/**
 * The one place zod's generic wording becomes ours. Passed as the per-parse error map, it only words
 * issues a schema left unworded: a message a schema gives (`.regex(re, 'is not an involvement ID')`, a
 * refinement's message, an `error` option) outranks it, so domain wording stays where it is defined.
 * Every message reads after the field's name (`reason: is required (one of: …)`), as the problem+json
 * `errors` array shows them.
 */

type Issue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  tuple: 'an array',
  set: 'an array',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  date: 'a date',
  null: 'null',
};

const FORMATS: Record<string, string> = {
  email: 'must be an e-mail address',
  url: 'must be a URL',
  uuid: 'must be a UUID',
  guid: 'must be a UUID',
  datetime: 'must be a date and time such as 2025-01-31T09:30:00Z',
  date: 'must be a date written YYYY-MM-DD',
  time: 'must be a time written HH:MM or HH:MM:SS',
  regex: 'is not in the expected format',
};

/** What the caller sent, in JSON's terms (never the value itself: it may be personal data). */
function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  switch (typeof input) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    default:
      return typeof input;
  }
}

function plural(count: number | bigint, unit: string): string {
  return `${count} ${unit}${count === 1 || count === 1n ? '' : 's'}`;
}

function listOf(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

/** A missing value names what it should have been; a wrong one lists the choices. */
function choice(values: readonly unknown[], missing: boolean): string {
  if (values.length === 1) return `${missing ? 'is required and ' : ''}must be ${listOf(values)}`;
  return missing ? `is required (one of: ${listOf(values)})` : `must be one of: ${listOf(values)}`;
}

const RELATIONS = {
  least: { closed: 'at least', open: 'more than' },
  most: { closed: 'at most', open: 'less than' },
} as const;

/** too_small and too_big: the bound in the units of what was sent (characters, items, or the number itself). */
function size(
  issue: { origin: string; inclusive?: boolean; exact?: boolean },
  limit: number | bigint,
  side: 'least' | 'most',
): string {
  const exact = issue.exact === true;
  const open = issue.inclusive === false;
  if (side === 'least' && limit === 1 && !exact && !open) {
    if (issue.origin === 'string') return 'must not be empty';
    if (issue.origin === 'array' || issue.origin === 'set') return 'must have at least one item';
  }
  const relation = exact ? 'exactly' : RELATIONS[side][open ? 'open' : 'closed'];
  switch (issue.origin) {
    case 'string':
      return `must be ${relation} ${plural(limit, 'character')} long`;
    case 'array':
    case 'set':
      return `must have ${relation} ${plural(limit, 'item')}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${relation} ${limit}`;
    case 'date':
      return `must be ${side === 'least' ? 'on or after' : 'on or before'} ${new Date(Number(limit)).toISOString()}`;
    default:
      return side === 'least' ? 'is too small' : 'is too large';
  }
}

/**
 * A value of the wrong type: what it must be, and what was sent when that says more. A query value coerced
 * to a number that is not one (`limit=abc` becomes NaN) was not a number at all, so it says only what the
 * value must be, never "must be a number, not a number".
 */
function wrongType(expected: string, input: unknown): string {
  const wanted = EXPECTED[expected] ?? expected;
  if (typeof input === 'number' && Number.isNaN(input)) return `must be ${wanted}`;
  const sent = received(input);
  return sent === wanted ? `must be ${wanted}` : `must be ${wanted}, not ${sent}`;
}

export function issueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be a whole number';
      return wrongType(issue.expected, issue.input);
    case 'invalid_value':
      return choice(issue.values, issue.input === undefined);
    case 'too_small':
      return size(issue, issue.minimum, 'least');
    case 'too_big':
      return size(issue, issue.maximum, 'most');
    case 'invalid_format':
      if (issue.format === 'starts_with') return `must start with "${String(issue.prefix)}"`;
      if (issue.format === 'ends_with') return `must end with "${String(issue.suffix)}"`;
      if (issue.format === 'includes') return `must include "${String(issue.includes)}"`;
      return FORMATS[issue.format] ?? `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      // validation.ts names each key with wording for where it was sent; this is the fallback.
      return 'is not a field this API accepts';
    case 'invalid_union':
      // A discriminated union whose tag matched no option: the tag is the field, and its options the choices.
      if (Array.isArray(issue.options) && issue.options.length > 0) {
        const tag = typeof issue.discriminator === 'string' ? issue.discriminator : undefined;
        const sent = issue.input !== null && typeof issue.input === 'object' ? issue.input : {};
        return choice(
          issue.options,
          tag !== undefined && (sent as Record<string, unknown>)[tag] === undefined,
        );
      }
      return issue.inclusive === false
        ? 'matches more than one of the accepted forms'
        : 'does not match any of the accepted forms';
    case 'invalid_key':
      return 'has a key that is not valid';
    case 'invalid_element':
      return 'has an entry that is not valid';
    default:
      return 'is not valid';
  }
}
