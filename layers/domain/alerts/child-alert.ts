import * as z from 'zod';
import { ContactSchema } from '../child/schema.ts';
import { SHIELDED_CONTACT_INSTRUCTION, SPECIALIST_SERVICES_CONTACT } from '../disclosure/view-schema.ts';
import { ServiceTypeSchema } from '../involvement/schema.ts';
import { PageCursorSchema, pageLimitSchema } from '../paging.ts';
import type { Alert } from './alert.ts';

/**
 * R9: what a practitioner with an active involvement is told about the child.
 * - `record-changed`: the address, school or GP recorded changed (which of them, never the new value: the
 *   record is read through an audited view, R5/R6);
 * - `record-shielded` / `record-unshielded`: the record was shielded, or its shield lifted (nothing else);
 * - `not-alone`: someone else is working with the child — their contact details when the recipient's view
 *   shows that involvement, otherwise how to reach them through a brokered contact request;
 * - `involvement-ended`: a colleague the recipient could see has ended their involvement.
 */
export const CHILD_ALERT_KINDS = [
  'record-changed',
  'record-shielded',
  'record-unshielded',
  'not-alone',
  'involvement-ended',
] as const;
export type ChildAlertKind = (typeof CHILD_ALERT_KINDS)[number];

/** The parts of a record whose change R9 reports. */
export const RECORD_CHANGES = ['address', 'school', 'gp-practice'] as const;
export type RecordChange = (typeof RECORD_CHANGES)[number];

/** R2/R3: why a colleague is reached through a contact request instead of directly. */
export const BROKERED_REASONS = ['shielded', 'specialist-services'] as const;
export type BrokeredReason = (typeof BROKERED_REASONS)[number];

export const ColleagueSchema = z
  .object({
    involvementId: z.string(),
    practitionerName: z.string(),
    role: z.string(),
    organisationName: z.string(),
    serviceType: ServiceTypeSchema,
    contact: ContactSchema,
    endDate: z.string().optional(),
  })
  .strict()
  .meta({
    id: 'Colleague',
    description: 'Another practitioner working with the child, as your view shows them',
  });
export type Colleague = z.infer<typeof ColleagueSchema>;

/** A child alert as stored in its recipient's inbox; every field is taken from the recipient's own view. */
export interface ChildAlert {
  recipientId: string;
  alertId: string;
  kind: ChildAlertKind;
  childId: string;
  /** The current name, which every view (the shielded one too) shows. */
  childName: string;
  changes?: RecordChange[] | undefined;
  colleague?: Colleague | undefined;
  brokered?: BrokeredReason | undefined;
  message: string;
  createdAt: string;
  readAt?: string | undefined;
  /** Epoch seconds after which the alert is deleted (TTL). */
  expiresAt: number;
}

/** Anything in a user's inbox: alerts about children (R9) and notices about accounts (R4). */
export type InboxAlert = ChildAlert | (Alert & { readAt?: string | undefined });

export function isChildAlert(alert: InboxAlert): alert is ChildAlert {
  return (CHILD_ALERT_KINDS as readonly string[]).includes(alert.kind);
}

/** How long an alert stays in an inbox, read or not. */
export const CHILD_ALERT_DAYS = 90;

/**
 * An alert's ID: the time it was raised (so an inbox lists newest first by key alone) and a unique part.
 * Written without separators so it can stand in a URL path.
 */
export function alertIdAt(at: string, unique: string): string {
  return `${at.replace(/[-:.]/g, '')}-${unique}`;
}

export const AlertIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/)
  .meta({ example: '20261206T101500000Z-3f9a0c1d2e4b5a69' });

export const AlertViewSchema = z
  .object({
    alertId: z.string(),
    kind: z.enum([...CHILD_ALERT_KINDS, 'account-suspended-dbs-expired']),
    message: z.string(),
    createdAt: z.string(),
    read: z.boolean(),
    childId: z.string().optional(),
    childName: z.string().optional(),
    changes: z.array(z.enum(RECORD_CHANGES)).optional(),
    colleague: ColleagueSchema.optional(),
    contactRequest: z.string().optional().meta({
      description: 'How to reach whoever the alert is about when their details are not yours to see',
    }),
    subjectUserId: z.string().optional().meta({ description: 'The account an account notice is about' }),
  })
  .strict()
  .meta({
    id: 'Alert',
    example: {
      alertId: '20261206T101500000Z-3f9a0c1d2e4b5a69',
      kind: 'not-alone',
      message:
        'You are not alone: Priya Shah (School nurse, Leeds Community Healthcare NHS Trust) is also working with Amelia Walker.',
      createdAt: '2026-12-06T10:15:00.000Z',
      read: false,
      childId: 'CP7M3K9P2XN',
      childName: 'Amelia Walker',
      colleague: {
        involvementId: 'INV-4f1c2a9e',
        practitionerName: 'Priya Shah',
        role: 'School nurse',
        organisationName: 'Leeds Community Healthcare NHS Trust',
        serviceType: 'school-nursing',
        contact: { phone: '0113 496 0303' },
      },
    },
  });
export type AlertView = z.infer<typeof AlertViewSchema>;

export const AlertPageSchema = z
  .object({ alerts: z.array(AlertViewSchema), next: z.string().optional() })
  .strict()
  .meta({ id: 'AlertPage', example: { alerts: [AlertViewSchema.meta()?.example] } });

export const AlertQuerySchema = z
  .object({
    unread: z
      .enum(['true', 'false'])
      .optional()
      .meta({ description: 'Only alerts not yet marked read', example: 'true' }),
    limit: pageLimitSchema('Alerts', 20),
    cursor: PageCursorSchema,
  })
  .strict();
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

export const AlertPreferencesSchema = z
  .object({
    digest: z
      .boolean()
      .meta({ description: 'A daily e-mail when new alerts are waiting (it names no child)' }),
  })
  .strict()
  .meta({ id: 'AlertPreferences', example: { digest: true } });
export type AlertPreferences = z.infer<typeof AlertPreferencesSchema>;

/** Until a user says otherwise, new alerts are announced by the daily digest. */
export const DEFAULT_ALERT_PREFERENCES: AlertPreferences = { digest: true };

/** How to reach a colleague one may not see, in the words the views use (R2, R3). */
export const BROKERED_CONTACT: Record<BrokeredReason, string> = {
  shielded: SHIELDED_CONTACT_INSTRUCTION,
  'specialist-services': SPECIALIST_SERVICES_CONTACT,
};

export function alertView(alert: InboxAlert): AlertView {
  const common = {
    alertId: alert.alertId,
    kind: alert.kind,
    message: alert.message,
    createdAt: alert.createdAt,
    read: alert.readAt !== undefined,
  };
  if (!isChildAlert(alert)) return { ...common, subjectUserId: alert.subjectUserId };
  return {
    ...common,
    childId: alert.childId,
    childName: alert.childName,
    ...(alert.changes !== undefined && { changes: alert.changes }),
    ...(alert.colleague !== undefined && { colleague: alert.colleague }),
    ...(alert.brokered !== undefined && { contactRequest: BROKERED_CONTACT[alert.brokered] }),
  };
}
