import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ReasonCodeSchema } from '#domain/access/reasons.ts';
import { MisuseAlertQuerySchema } from '#domain/alerts/misuse-alert.ts';
import { ValidationError } from '#domain/errors.ts';
import { ROUTES } from '#functions/manifest.ts';
import { InvolvementPathSchema, ReasonQuerySchema } from '#http/parameters.ts';
import { parseOrThrow } from '#http/validation.ts';

type Location = Parameters<typeof parseOrThrow>[2];

/** The `errors` array a 400 would carry for this value, or [] when it is accepted. */
function problems(schema: z.ZodType, value: unknown, location: Location = 'body') {
  try {
    parseOrThrow(schema, value, location);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

/** zod's own English: none of it may reach a client. */
const ZOD_WORDING =
  /Invalid input|Invalid option|Invalid string|Invalid discriminator|Invalid (email|URL|UUID)|Too (small|big)|expected .* received|Unrecognized key|Invalid key|Invalid value in/;

const codes = ReasonCodeSchema.options;

describe('reason codes (R5)', () => {
  it('lists the reason codes when a request has no reason', () => {
    const [problem] = problems(ReasonQuerySchema, {}, 'query');
    expect(problem?.field).toBe('reason');
    expect(problem?.message).toMatch(/^is required/);
    expect(problem?.message).toContain('R5');
    for (const code of codes) expect(problem?.message).toContain(code);
  });

  it('lists the reason codes when the reason is not one of them', () => {
    const [problem] = problems(ReasonQuerySchema, { reason: 'CURIOSITY' }, 'query');
    expect(problem).toEqual({
      field: 'reason',
      message: `is not a reason code; use one of: ${codes.join(', ')}`,
    });
  });
});

describe('field messages', () => {
  const schema = z
    .object({
      name: z.string().trim().min(1).max(5),
      kind: z.enum(['a', 'b', 'c']),
      count: z.number().int().min(2).optional(),
      flag: z.boolean().optional(),
      tags: z.array(z.string()).min(1).optional(),
      email: z.email().optional(),
      shape: z
        .discriminatedUnion('type', [
          z.object({ type: z.literal('round') }).strict(),
          z.object({ type: z.literal('square') }).strict(),
        ])
        .optional(),
    })
    .strict();
  const valid = { name: 'Amy', kind: 'a' };
  const messageFor = (body: Record<string, unknown>, field: string) =>
    problems(schema, body).find((p) => p.field === field)?.message;

  it('says a missing field is required', () => {
    expect(messageFor({ kind: 'a' }, 'name')).toBe('is required');
  });

  it('lists the choices when a value is not one of them', () => {
    expect(messageFor({ ...valid, kind: 'd' }, 'kind')).toBe('must be one of: a, b, c');
  });

  it('lists the choices when a field with choices is missing', () => {
    expect(messageFor({ name: 'Amy' }, 'kind')).toBe('is required (one of: a, b, c)');
  });

  it('says an empty or over-long string must not be, in characters', () => {
    expect(messageFor({ ...valid, name: '   ' }, 'name')).toBe('must not be empty');
    expect(messageFor({ ...valid, name: 'Amelia' }, 'name')).toBe('must be at most 5 characters long');
  });

  it('names the type a field must be, and the type it was sent as', () => {
    expect(messageFor({ ...valid, name: 7 }, 'name')).toBe('must be a string, not a number');
    expect(messageFor({ ...valid, flag: 'yes' }, 'flag')).toBe('must be true or false, not a string');
    expect(messageFor({ ...valid, count: 2.5 }, 'count')).toBe('must be a whole number');
    expect(messageFor({ ...valid, tags: 'x' }, 'tags')).toBe('must be an array, not a string');
    expect(problems(schema, [])).toEqual([{ field: 'body', message: 'must be an object, not an array' }]);
  });

  it('gives a field of the wrong type one message, not also a length zod measured on it', () => {
    expect(problems(schema, { ...valid, name: [] })).toEqual([
      { field: 'name', message: 'must be a string, not an array' },
    ]);
  });

  it('says what a number, a list and a format must be', () => {
    expect(messageFor({ ...valid, count: 1 }, 'count')).toBe('must be at least 2');
    expect(messageFor({ ...valid, tags: [] }, 'tags')).toBe('must have at least one item');
    expect(messageFor({ ...valid, email: 'nobody' }, 'email')).toBe('must be an e-mail address');
  });

  it('lists the forms a discriminated union accepts, on its tag', () => {
    expect(messageFor({ ...valid, shape: { type: 'oval' } }, 'shape.type')).toBe(
      'must be one of: round, square',
    );
    expect(messageFor({ ...valid, shape: {} }, 'shape.type')).toBe('is required (one of: round, square)');
  });

  it('names each unknown field, with wording for where it was sent (R1)', () => {
    expect(problems(schema, { ...valid, caseNotes: 'x', mood: 'y' })).toEqual([
      { field: 'caseNotes', message: 'is not a field ContactPoint may hold (R1)' },
      { field: 'mood', message: 'is not a field ContactPoint may hold (R1)' },
    ]);
    expect(problems(ReasonQuerySchema, { reason: 'SAFEGUARDING', reson: 'x' }, 'query')).toEqual([
      { field: 'reson', message: 'is not a recognised parameter' },
    ]);
  });

  it('keeps the message a schema gives its own check', () => {
    const params = { childId: 'CP1234567890', involvementId: 'INV-nope' };
    expect(problems(InvolvementPathSchema, params, 'path')).toContainEqual({
      field: 'involvementId',
      message: 'is not an involvement ID',
    });
  });
});

describe('every route', () => {
  it('words every refusal itself: no zod wording reaches a client, whatever is sent', () => {
    const anyValue = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()));
    const seen: string[] = [];
    for (const route of ROUTES) {
      const { params, query, body, bodyExample, queryExample = {} } = route.request;
      const bodies: unknown[] = fc.sample(anyValue, 150);
      // Each field of a realistic body, replaced with a value of every JSON type.
      if (bodyExample && typeof bodyExample === 'object') {
        for (const field of Object.keys(bodyExample))
          for (const wrong of [undefined, null, 0, 1.5, true, '', ' ', 'x', [], {}, 'x'.repeat(600)])
            bodies.push({ ...bodyExample, [field]: wrong });
      }
      const queries: unknown[] = fc.sample(fc.dictionary(fc.string(), fc.string()), 100);
      for (const field of Object.keys(query?.shape ?? {}))
        for (const wrong of [undefined, '', ' ', 'x', '-1', 'x'.repeat(300)])
          queries.push({ ...queryExample, [field]: wrong });
      const values: [z.ZodType | undefined, Location, unknown[]][] = [
        [body, 'body', bodies],
        [query, 'query', queries],
        [params, 'path', fc.sample(fc.dictionary(fc.string(), fc.string()), 50)],
      ];
      for (const [schema, location, samples] of values) {
        if (!schema) continue;
        for (const value of samples) seen.push(...problems(schema, value, location).map((p) => p.message));
      }
    }
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((message) => ZOD_WORDING.test(message))).toEqual([]);
  });
});

describe('a query number that is not one', () => {
  it('says what it must be, without contradicting itself (limit=abc)', () => {
    const [problem] = problems(MisuseAlertQuerySchema, { limit: 'abc' }, 'query');
    expect(problem?.field).toBe('limit');
    expect(problem?.message).toBe('must be a number');
    expect(problem?.message).not.toContain('not a number');
  });
});
