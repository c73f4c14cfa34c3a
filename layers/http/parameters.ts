import * as z from 'zod';
import { ReasonCodeSchema, ReasonTextSchema } from '#domain/access/reasons.ts';
import { ContactPointIdSchema } from '#domain/identifiers/contactpoint-id.ts';

/** Path and query parameters several routes share. */
export const ChildPathSchema = z.object({ childId: ContactPointIdSchema }).strict();

export const InvolvementPathSchema = z
  .object({
    childId: ContactPointIdSchema,
    involvementId: z
      .string()
      .regex(/^INV-[0-9a-z]+-[0-9a-f-]{36}$/, 'is not an involvement ID')
      .meta({ example: 'INV-mhz3k2a1-0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10' }),
  })
  .strict();

export const ContactRequestPathSchema = z
  .object({
    childId: ContactPointIdSchema,
    requestId: z
      .string()
      .regex(/^CR-[0-9a-z]+-[0-9a-f-]{36}$/, 'is not a contact request ID')
      .meta({ example: 'CR-mwrmrlr3-6b1e0c52-3f7d-4c0e-a1a8-0e5d2f4c9b71' }),
  })
  .strict();

/** R5: a reason code on every search and view; free text optional. */
export const reasonShape = {
  reason: ReasonCodeSchema,
  reasonText: ReasonTextSchema.optional(),
};

export const ReasonQuerySchema = z.object(reasonShape).strict();

export const etagHeader = { ETag: 'Version of the resource; send it back as If-Match to change it' };

/**
 * What every signed-in handler touches: the directory (the caller's organisation) and the audit table,
 * append only (R6) — PutItem with a not-exists condition, never UpdateItem or DeleteItem.
 */
export const signedInAccess = { directory: ['GetItem'], audit: ['PutItem'] } as const;

/**
 * What a change to a child's record reaches (correct, shield, unshield): the record with its key items,
 * the involvements it is shown with, and the per-user view counter, since the answer is the record (R10).
 */
export const recordChangeAccess = {
  ...signedInAccess,
  usageCounters: ['UpdateItem'],
  children: ['GetItem', 'PutItem', 'DeleteItem', 'Query', 'ConditionCheckItem'],
  involvements: ['Query'],
} as const;

/**
 * R8: what a route that takes an Idempotency-Key does to the idempotency table (the Powertools DynamoDB
 * persistence layer): takes the key with a conditional PutItem, records the answer with UpdateItem, releases
 * the key with DeleteItem after an error, and reads the first request's record with GetItem when the
 * refused put did not return it.
 */
export const idempotencyAccess = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;

/**
 * R7: what recording consent, its withdrawal or a death notice reaches: the record and its key items (its
 * place in the retention index moves with it), read and replaced under a version condition.
 */
export const retentionChangeAccess = {
  ...signedInAccess,
  children: ['GetItem', 'PutItem', 'DeleteItem', 'Query', 'ConditionCheckItem'],
} as const;
