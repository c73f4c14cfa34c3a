import { matchingName } from '../matching/compare.ts';
import type { AuditEvent } from './event.ts';

/**
 * R10 misuse detection on the audit stream. Each rule looks at one new event in the light of the
 * actor's day so far (per-user-day counters, never a re-read of the trail); a finding names the user and
 * the rule, never a child.
 */
export type MisuseRule =
  | 'many-children'
  | 'out-of-area'
  | 'personal-connection'
  | 'shielded-view'
  | 'child-protection-override'
  | 'shielded-duplicate'
  | 'unusual-hours'
  | 'rate-limited';

export interface MisuseThresholds {
  /** Distinct children one user saw in a day (viewed or returned by their searches) before it is flagged. */
  distinctChildrenPerDay: number;
  /** Children outside the user's area, with no involvement of their organisation, seen in a day. */
  outOfAreaChildrenPerDay: number;
  /** UK local hours [from, to) in which any access is unusual. */
  unusualHours: { from: number; to: number };
}

export interface Actor {
  userId: string;
  organisationId: string;
  /** GSS code of the council whose area the actor serves. */
  area?: string | undefined;
  familyName?: string | undefined;
  homePostcode?: string | undefined;
}

export interface ChildFacts {
  localAuthority: string;
  familyName: string;
  postcodes: string[];
  /** Organisations with an involvement with the child. */
  involvedOrganisations: string[];
  /** For a shielded child, the shielding council's organisation: its auditors hear of every override (R3). */
  shieldingOrganisationId?: string | undefined;
}

export interface MisuseFinding {
  rule: MisuseRule;
  /** Once-per-day rules share one key per user and day, so the finding is raised once. Path-safe. */
  key: string;
}

const day = (iso: string) => iso.slice(0, 10);

/** The hour of an instant in the UK (Europe/London), whatever the server's zone. */
export function ukHour(iso: string): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/London' }).format(
      new Date(iso),
    ),
  );
}

/** Outside the user's area, with no involvement of their organisation: not a child they would expect to see. */
export function isOutOfArea(actor: Actor, child: ChildFacts): boolean {
  return (
    actor.area !== undefined &&
    child.localAuthority !== actor.area &&
    !child.involvedOrganisations.includes(actor.organisationId)
  );
}

/** Reads: the children they name were shown to the actor. */
const READ_ACTIONS = new Set<AuditEvent['action']>(['search-children', 'view-child', 'override-view']);
/**
 * Changes that answer with the record (correct, shield, unshield): their success events carry the
 * disclosure returned, and they count towards the per-user view limits, so they count as seen here too.
 */
const RECORD_RETURNING_CHANGES = new Set<AuditEvent['action']>([
  'update-child',
  'shield-child',
  'unshield-child',
]);

/**
 * The children an event showed its actor: the results of a search as much as the records viewed (a run of
 * searches that returns many children is trawling the directory), and the record a change answered with.
 * Refusals showed nobody.
 */
export function childrenSeen(event: AuditEvent): string[] {
  if (event.outcome !== 'success') return [];
  if (READ_ACTIONS.has(event.action)) return event.childIds;
  if (RECORD_RETURNING_CHANGES.has(event.action) && event.disclosure !== undefined) {
    return event.childIds.filter((id) => event.disclosure?.[id] !== undefined);
  }
  return [];
}

/**
 * One user's UTC day as the per-user-day counters hold it, with the event being checked already counted:
 * how many distinct children they saw, how many of those were out of area, and which once-a-day rules
 * have already been raised.
 */
export interface MisuseDay {
  distinctChildren: number;
  outOfAreaChildren: number;
  alerted: readonly string[];
}

/** Rules raised at most once per user and UTC day. */
export const ONCE_A_DAY_RULES: readonly MisuseRule[] = [
  'many-children',
  'out-of-area',
  'unusual-hours',
  'rate-limited',
];

/**
 * What the new `event` reveals, given the actor's day so far (`today`, counted incrementally and
 * including this event). Once-a-day rules fire while their threshold is reached and they have not been
 * raised that day, so a batch retried after a failure still raises what it had not yet raised.
 */
export function misuseFindings(
  event: AuditEvent,
  today: MisuseDay,
  actor: Actor,
  children: Map<string, ChildFacts>,
  thresholds: MisuseThresholds,
): MisuseFinding[] {
  const findings: MisuseFinding[] = [];
  const once = (rule: MisuseRule) => {
    if (!today.alerted.includes(rule))
      findings.push({ rule, key: `${rule}.${actor.userId}.${day(event.at)}` });
  };

  if (today.distinctChildren >= thresholds.distinctChildrenPerDay) once('many-children');
  if (today.outOfAreaChildren >= thresholds.outOfAreaChildrenPerDay) once('out-of-area');

  if (event.action === 'view-child' && event.outcome === 'success') {
    for (const childId of event.childIds) {
      const child = children.get(childId);
      const sameName =
        actor.familyName !== undefined &&
        child &&
        matchingName(child.familyName) === matchingName(actor.familyName);
      const sameAddress = actor.homePostcode !== undefined && child?.postcodes.includes(actor.homePostcode);
      if (sameName || sameAddress)
        findings.push({ rule: 'personal-connection', key: `personal-connection.${event.eventId}` });
      if (event.disclosure?.[childId] === 'shielded')
        findings.push({ rule: 'shielded-view', key: `shielded-view.${event.eventId}` });
    }
  }

  // R3: every break-glass view is a finding to review, whoever made it and however often.
  if (event.action === 'override-view' && event.outcome === 'success')
    findings.push({ rule: 'child-protection-override', key: `child-protection-override.${event.eventId}` });

  // R3: trying to create (or correct into) a second record of a shielded child is refused, and reviewed.
  if ((event.action === 'create-child' || event.action === 'update-child') && event.outcome === 'conflict') {
    if (event.childIds.some((id) => children.get(id)?.shieldingOrganisationId !== undefined))
      findings.push({ rule: 'shielded-duplicate', key: `shielded-duplicate.${event.eventId}` });
  }

  // R10: a user who runs into their per-user limit is reviewed, once a day however often they hit it.
  if (event.outcome === 'rate-limited') once('rate-limited');

  const { from, to } = thresholds.unusualHours;
  const hour = ukHour(event.at);
  if (from <= to ? hour >= from && hour < to : hour >= from || hour < to) once('unusual-hours');
  return findings;
}
