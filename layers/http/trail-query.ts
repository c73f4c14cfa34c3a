import * as z from 'zod';
import { IsoDate } from '#domain/dates.ts';
import { PageCursorSchema } from '#domain/paging.ts';

/** Paging, a time window and the format of an access history; a window that ends before it starts is 400 on `to`. */
export const TrailQuerySchema = z
  .object({
    from: IsoDate.optional().meta({ description: 'First day to include (UTC)', example: '2026-11-01' }),
    to: IsoDate.optional().meta({ description: 'Last day to include (UTC)', example: '2026-11-30' }),
    cursor: PageCursorSchema,
    format: z.enum(['json', 'csv']).optional().meta({ description: 'csv for an export', example: 'json' }),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['to'],
    message: 'is before from',
  });
