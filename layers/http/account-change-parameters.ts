import * as z from 'zod';

/** The path of one pending account change (R4 two-person rule). */
export const AccountChangePathSchema = z
  .object({
    changeId: z
      .string()
      .min(1)
      .max(128)
      .meta({ example: 'CHG-mhz3k2a1-5d1c7b0e-2a4f-4e8b-9c3d-7f6a5b4c3d2e' }),
  })
  .strict();
