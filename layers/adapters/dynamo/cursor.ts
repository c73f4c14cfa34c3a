import { ValidationError } from '#domain/errors.ts';

/** A page's LastEvaluatedKey handed to the caller as an opaque `next`. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * A `cursor` read back as a start key, accepted only when `isPositionIn` says it is a position in the list
 * being read (the caller's own inbox, the same subject's history): a cursor never reaches another list.
 */
export function decodeCursor(
  cursor: string,
  isPositionIn: (key: Record<string, unknown>) => boolean,
  list: string,
): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key !== null && typeof key === 'object' && isPositionIn(key)) return key;
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: `is not a cursor this ${list} issued` }]);
}
