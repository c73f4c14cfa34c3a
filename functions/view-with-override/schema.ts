import * as z from 'zod';
import { ReasonCodeSchema } from '#domain/access/reasons.ts';
import { OverrideViewSchema } from '#domain/disclosure/view-schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const OverrideViewRequestSchema = z
  .object({
    confirmation: z.string().min(10).max(120),
    reason: ReasonCodeSchema,
    reasonText: z
      .string()
      .trim()
      .min(20)
      .max(1000)
      .meta({ description: 'Why the shield must be broken now: the risk of significant harm (R3)' }),
  })
  .strict()
  .meta({
    id: 'OverrideViewRequest',
    example: {
      confirmation: 'EV-mwrmrlr3-d0760f37-e68d-45a8-a565-0f6324472765',
      reason: 'SAFEGUARDING',
      reasonText: 'Child brought to A&E with injuries; police on scene need the current carers',
    },
  });

export const route = defineRoute({
  operationId: 'viewWithOverride',
  method: 'POST',
  path: '/children/{childId}/override-views',
  action: 'override-shield',
  usageLimit: 'view',
  summary: 'Break a shield for one view (child-protection override)',
  description:
    'With the confirmation from POST /children/{childId}/override-warnings (once, same user, within five minutes), ' +
    'a reason code and the justification: the record as it would be shown unshielded, with `disclosure: "override"`. ' +
    'The record stays shielded for everyone, this user’s next request included. Audited with its own disclosure ' +
    'level; the shielding council’s auditors are alerted at once (R3, R6, R10).',
  tags: ['Shielding'],
  request: {
    params: ChildPathSchema,
    body: OverrideViewRequestSchema,
    bodyExample: {
      confirmation: 'EV-mwrmrlr3-d0760f37-e68d-45a8-a565-0f6324472765',
      reason: 'SAFEGUARDING',
      reasonText: 'Child brought to A&E with injuries; police on scene need the current carers',
    },
  },
  successStatus: 200,
  responses: {
    200: { description: 'The record, for this one view', schema: OverrideViewSchema },
    404: { description: 'No child has this ContactPoint ID' },
    409: { description: 'The confirmation was used, expired or is not for this child and user' },
  },
});

export const definition = defineFunction({
  name: 'view-with-override',
  trigger: { kind: 'http', route },
  // GetItem on the audit table: the warning this view confirms (the trail is read, never changed).
  access: {
    ...signedInAccess,
    usageCounters: ['UpdateItem'],
    audit: ['PutItem', 'GetItem'],
    children: ['GetItem'],
    involvements: ['Query'],
  },
  settings: ['adapters', 'limits'],
});
