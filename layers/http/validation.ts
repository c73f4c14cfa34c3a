import type { z } from 'zod';
import { type FieldProblem, ValidationError } from '#domain/errors.ts';

type Location = 'body' | 'query' | 'path';

const UNKNOWN_FIELD: Record<Location, string> = {
  body: 'is not a field ContactPoint may hold (R1)',
  query: 'is not a recognised parameter',
  path: 'is not a recognised path parameter',
};

/** zod issues → problems that name each offending field; unknown fields are named one by one (R1). */
export function fieldProblems(error: z.ZodError, location: Location): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: UNKNOWN_FIELD[location] }));
    }
    return [{ field: at.join('.') || location, message: issue.message }];
  });
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: Location,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError(fieldProblems(result.error, location), { cause: result.error });
  return result.data;
}
