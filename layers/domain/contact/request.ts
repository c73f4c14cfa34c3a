import * as z from 'zod';
import { ReasonCodeSchema } from '../access/reasons.ts';
import { etagOf } from '../child/record.ts';
import { PhoneNumberSchema } from '../child/schema.ts';

/**
 * Brokered contact (R2, R3): a practitioner who may not see whom to call asks to be called back. The
 * request goes to the ContactPoint team that can arrange it — the shielding council's for a shielded
 * child, the maintaining council's for specialist services — and the practitioner learns nothing more.
 */
export const CONTACT_ABOUT = ['shielded-child', 'specialist-services'] as const;

export const ContactRequestBodySchema = z
  .object({
    about: z.enum(CONTACT_ABOUT).meta({
      description:
        'shielded-child: the people working with a shielded child; specialist-services: the specialist services recorded (R2)',
    }),
    callBackPhone: PhoneNumberSchema,
    reason: ReasonCodeSchema,
    message: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'A short note for the team (a request to be called back, never case notes)' }),
  })
  .strict()
  .meta({
    id: 'ContactRequest',
    example: {
      about: 'shielded-child',
      callBackPhone: '0113 496 0303',
      reason: 'SAFEGUARDING',
      message: 'A&E duty nurse: child admitted tonight, please call the ward',
    },
  });
export type ContactRequestBody = z.infer<typeof ContactRequestBodySchema>;

/** The one answer a requester gets, whatever the record holds: it names nobody and nowhere. */
export const PASSED_ON =
  'Your request has been passed to the ContactPoint team that can arrange contact; they will call you back.';

export const ContactRequestReceiptSchema = z
  .object({ requestId: z.string(), status: z.literal('passed-on'), message: z.literal(PASSED_ON) })
  .strict()
  .meta({
    id: 'ContactRequestReceipt',
    example: {
      requestId: 'CR-mwrmrlr3-6b1e0c52-3f7d-4c0e-a1a8-0e5d2f4c9b71',
      status: 'passed-on',
      message: PASSED_ON,
    },
  });

export const CONTACT_OUTCOMES = ['called-back', 'declined', 'could-not-reach'] as const;

export const CloseContactRequestSchema = z
  .object({
    status: z.literal('closed'),
    outcome: z.enum(CONTACT_OUTCOMES),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .meta({ id: 'CloseContactRequest', example: { status: 'closed', outcome: 'called-back' } });
export type CloseContactRequest = z.infer<typeof CloseContactRequestSchema>;

/** As stored. */
export interface ContactRequest extends ContactRequestBody {
  childId: string;
  requestId: string;
  /** GSS code of the council whose ContactPoint team brokers it. */
  brokerAuthority: string;
  requesterId: string;
  requesterRoles: string[];
  requesterOrganisationId: string;
  requesterOrganisationName: string;
  status: 'open' | 'closed';
  outcome?: (typeof CONTACT_OUTCOMES)[number] | undefined;
  note?: string | undefined;
  closedBy?: string | undefined;
  openedAt: string;
  closedAt?: string | undefined;
  version: number;
}

/** What the brokering team sees: the request and who is asking, never more of the record than they hold. */
export const ContactRequestViewSchema = z
  .object({
    requestId: z.string(),
    childId: z.string(),
    about: z.enum(CONTACT_ABOUT),
    callBackPhone: z.string(),
    reason: ReasonCodeSchema,
    message: z.string().optional(),
    requesterOrganisationName: z.string(),
    requesterRoles: z.array(z.string()),
    status: z.enum(['open', 'closed']),
    outcome: z.enum(CONTACT_OUTCOMES).optional(),
    note: z.string().optional(),
    openedAt: z.string(),
    closedAt: z.string().optional(),
    etag: z.string(),
  })
  .strict()
  .meta({
    id: 'ContactRequestView',
    example: {
      requestId: 'CR-mwrmrlr3-6b1e0c52-3f7d-4c0e-a1a8-0e5d2f4c9b71',
      childId: 'CP7M3K9P2XN',
      about: 'shielded-child',
      callBackPhone: '0113 496 0303',
      reason: 'SAFEGUARDING',
      requesterOrganisationName: 'Leeds Teaching Hospitals NHS Trust',
      requesterRoles: ['practitioner'],
      status: 'open',
      openedAt: '2026-11-22T10:00:00.000Z',
      etag: '"1"',
    },
  });
export type ContactRequestView = z.infer<typeof ContactRequestViewSchema>;

export const ContactRequestListSchema = z
  .object({ requests: z.array(ContactRequestViewSchema) })
  .strict()
  .meta({ id: 'ContactRequestList', example: { requests: [ContactRequestViewSchema.meta()?.example] } });

export function contactRequestView(r: ContactRequest): ContactRequestView {
  return {
    requestId: r.requestId,
    childId: r.childId,
    about: r.about,
    callBackPhone: r.callBackPhone,
    reason: r.reason,
    ...(r.message !== undefined && { message: r.message }),
    requesterOrganisationName: r.requesterOrganisationName,
    requesterRoles: r.requesterRoles,
    status: r.status,
    ...(r.outcome !== undefined && { outcome: r.outcome }),
    ...(r.note !== undefined && { note: r.note }),
    openedAt: r.openedAt,
    ...(r.closedAt !== undefined && { closedAt: r.closedAt }),
    etag: etagOf(r.version),
  };
}
