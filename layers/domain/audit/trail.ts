import * as z from 'zod';
import { REFUSAL_REASONS } from '../access/account.ts';
import { searchCriteriaShape } from '../search/criteria.ts';
import type { AuditEvent } from './event.ts';

/** One line of an access history, as an auditor reads it: who, from where, why, what they were shown. */
export const TrailEntrySchema = z
  .object({
    at: z.string(),
    eventId: z.string(),
    action: z.string(),
    outcome: z.string(),
    actorId: z.string(),
    actorOrganisationId: z.string(),
    actorRoles: z.array(z.string()),
    reasonCode: z.string().optional(),
    reasonText: z.string().optional(),
    /** What the actor was shown of this child (child histories only). */
    disclosure: z
      .string()
      .optional()
      .meta({ description: 'What the actor was shown of this child (child histories only)' }),
    /** What the user was shown of each child the entry names, by ContactPoint ID (user histories only). */
    disclosures: z
      .record(z.string(), z.string())
      .optional()
      .meta({
        description:
          'What the user was shown of each child, by ContactPoint ID: full, sensitive-redacted, shielded, override, match-summary (user histories only)',
        example: { CP7M3K9P2XN: 'full' },
      }),
    childIds: z.array(z.string()),
    subjectUserId: z.string().optional(),
    /** Why the request was refused (R4 or the permission table): codes, in user histories only. */
    refusalReasons: z.array(z.enum(REFUSAL_REASONS)).optional().meta({
      description:
        'Why the request was refused, e.g. suspended, dbs-expired, no-account, organisation-mismatch (user histories only)',
    }),
    /** A search's criteria as the user typed them: in user histories only, never under a child. */
    criteria: z
      .object(searchCriteriaShape)
      .strict()
      .optional()
      .meta({ description: 'What the user searched for (user histories only)' }),
  })
  .strict()
  .meta({
    id: 'TrailEntry',
    example: {
      at: '2026-11-21T09:14:03.112Z',
      eventId: 'EV-mhz3k2a1-0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10',
      action: 'view-child',
      outcome: 'success',
      actorId: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f',
      actorOrganisationId: 'ORG-LEEDS-CH',
      actorRoles: ['practitioner'],
      reasonCode: 'EMERGENCY_CARE',
      disclosure: 'full',
      childIds: ['CP7M3K9P2XN'],
    },
  });
export type TrailEntry = z.infer<typeof TrailEntrySchema>;

export const TrailPageSchema = z
  .object({ entries: z.array(TrailEntrySchema), next: z.string().optional() })
  .strict()
  .meta({ id: 'TrailPage', example: { entries: [TrailEntrySchema.meta()?.example] } });

/** Whose history an entry is filed under: a child's (who looked at them) or a user's (what they did). */
export type TrailSubject = { childId: string } | { userId: string };

/** The subjects an event is filed under: each child it concerned, and the actor. */
export function trailSubjects(event: AuditEvent): TrailSubject[] {
  return [...event.childIds.map((childId) => ({ childId })), { userId: event.actorId }];
}

/** The entry filed under `subject`; for a child, only what that child's row needs. */
export function trailEntry(event: AuditEvent, subject: TrailSubject): TrailEntry {
  const childId = 'childId' in subject ? subject.childId : undefined;
  const disclosure = childId ? event.disclosure?.[childId] : undefined;
  // A user's history shows what they were shown of each child: levels only, keyed by the IDs it already lists.
  const shown = Object.entries(event.disclosure ?? {}).filter(([id]) => event.childIds.includes(id));
  const disclosures = childId === undefined && shown.length > 0 ? Object.fromEntries(shown) : undefined;
  return {
    at: event.at,
    eventId: event.eventId,
    action: event.action,
    outcome: event.outcome,
    actorId: event.actorId,
    actorOrganisationId: event.organisationId,
    actorRoles: event.roles,
    ...(event.reason && { reasonCode: event.reason.code }),
    ...(event.reason?.text !== undefined && { reasonText: event.reason.text }),
    ...(disclosure !== undefined && { disclosure }),
    ...(disclosures !== undefined && { disclosures }),
    childIds: childId ? [childId] : event.childIds,
    ...(event.subjectUserId !== undefined && { subjectUserId: event.subjectUserId }),
    // Why a user was refused is about their account (vetting, status): their organisation's auditors see it.
    ...(childId === undefined && event.refusalReasons?.length && { refusalReasons: event.refusalReasons }),
    // What a user searched for is part of what they did; under a child it would show others' searches.
    ...(childId === undefined && event.criteria !== undefined && { criteria: event.criteria }),
  };
}

/** Stands in for what would point to where a shielded child now is (R3). */
export const WITHHELD = 'withheld (shielded record)';

/** A shielded child's entry for an auditor outside the shielding council: no organisation, user or free text. */
export function withoutWhereabouts(entry: TrailEntry): TrailEntry {
  const { reasonText: _text, subjectUserId: _subject, ...rest } = entry;
  return { ...rest, actorId: WITHHELD, actorOrganisationId: WITHHELD };
}

/** Columns added later go at the end, so a reader's spreadsheet keeps every earlier column where it was. */
const CSV_COLUMNS: (keyof TrailEntry)[] = [
  'at',
  'action',
  'outcome',
  'actorId',
  'actorOrganisationId',
  'actorRoles',
  'reasonCode',
  'reasonText',
  'disclosure',
  'childIds',
  'subjectUserId',
  'criteria',
  'eventId',
  'disclosures',
  'refusalReasons',
];

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with an apostrophe. */
export function trailCsv(entries: TrailEntry[]): string {
  const cell = (value: unknown) => {
    let text = Array.isArray(value)
      ? value.join(' ')
      : value === undefined
        ? ''
        : typeof value === 'object'
          ? Object.entries(value as Record<string, unknown>)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join('; ')
          : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => cell(e[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
