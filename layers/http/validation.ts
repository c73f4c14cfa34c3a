import type { z } from 'zod';
import { type FieldProblem, ValidationError } from '#domain/errors.ts';
import { issueMessage } from './issue-messages.ts';

type Location = 'body' | 'query' | 'path';

const UNKNOWN_FIELD: Record<Location, string> = {
  body: 'is not a field ContactPoint may hold (R1)',
  query: 'is not a recognised parameter',
  path: 'is not a recognised path parameter',
};

/** zod issues → problems that name each offending field; unknown fields are named one by one (R1). */
export function fieldProblems(error: z.ZodError, location: Location): FieldProblem[] {
  // An empty key is still a field the caller sent: name it `""` rather than nothing.
  const path = (segments: PropertyKey[]) => segments.map((s) => (s === '' ? '""' : String(s))).join('.');
  // zod still runs a field's checks after its type is wrong (an array "too short" for a string field):
  // a field of the wrong type gets the one message that says so.
  const wrongType = new Set(error.issues.filter((i) => i.code === 'invalid_type').map((i) => path(i.path)));
  const relevant = error.issues.filter((i) => i.code === 'invalid_type' || !wrongType.has(path(i.path)));
  return relevant.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: path([...issue.path, key]),
        message: UNKNOWN_FIELD[location],
      }));
    }
    return [{ field: path(issue.path) || location, message: issue.message }];
  });
}

/**
 * A request part the route does not take at all (a query string on a route with no query parameters, a
 * body on a route with none) is refused like an unknown field, never silently ignored.
 */
export function refuseUnexpected(location: 'query' | 'body', names: string[]): void {
  if (names.length === 0) return;
  throw new ValidationError(
    location === 'body'
      ? [{ field: 'body', message: 'must be empty: this route takes no body' }]
      : names.map((name) => ({ field: name === '' ? '""' : name, message: UNKNOWN_FIELD.query })),
  );
}

/** Parses a request part; issues its schema left unworded are worded by issue-messages.ts, never by zod. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: Location,
): z.output<S> {
  const result = schema.safeParse(value, { error: issueMessage });
  if (!result.success)
    throw new ValidationError(fieldProblems(result.error, location), { cause: result.error });
  return result.data;
}
