import * as z from 'zod';
import { OVERRIDE_WARNING } from '#domain/disclosure/view-schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const OverrideWarningSchema = z
  .object({
    warning: z.literal(OVERRIDE_WARNING),
    confirmation: z.string().meta({ description: 'Send once, within minutes, to POST …/override-views' }),
    expiresAt: z.string(),
  })
  .strict()
  .meta({
    id: 'OverrideWarning',
    example: {
      warning: OVERRIDE_WARNING,
      confirmation: 'EV-mwrmrlr3-d0760f37-e68d-45a8-a565-0f6324472765',
      expiresAt: '2026-11-22T10:05:00.000Z',
    },
  });

export const route = defineRoute({
  operationId: 'warnBeforeOverride',
  method: 'POST',
  path: '/children/{childId}/override-warnings',
  action: 'override-shield',
  usageLimit: 'view',
  summary: 'Ask to break a shield: the warning and a one-use confirmation (child-protection override)',
  description:
    'Only for accounts holding the child-protection override right (R3); anyone else gets the same 403, which ' +
    'says nothing of the child. The answer warns that an investigation will follow and carries a confirmation ' +
    'that POST /children/{childId}/override-views accepts once, from the same user, within five minutes. Audited.',
  tags: ['Shielding'],
  request: { params: ChildPathSchema, body: z.object({}).strict(), bodyExample: {} },
  successStatus: 201,
  responses: {
    201: { description: 'The warning and the confirmation', schema: OverrideWarningSchema },
    404: { description: 'No child has this ContactPoint ID' },
    409: { description: 'Nothing on this record is shielded from you' },
  },
});

export const definition = defineFunction({
  name: 'warn-before-override',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, usageCounters: ['UpdateItem'], children: ['GetItem'] },
  settings: ['adapters', 'limits'],
});
