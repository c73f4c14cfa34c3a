import * as z from 'zod';

/** A list's `cursor` parameter: the `next` its previous page gave. */
export const PageCursorSchema = z
  .string()
  .max(1000)
  .optional()
  .meta({ description: 'The `next` of the previous page' });

/** A list's `limit` parameter: how many items a page looks at, 1–100. */
export function pageLimitSchema(items: string, defaultSize: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: `${items} a page looks at (default ${defaultSize})`, example: 20 });
}
