import { normaliseName } from '../search/normalise.ts';
import type { AuditEvent } from './event.ts';

/**
 * R10 misuse detection on the audit stream. Each rule looks at one new event in the light of the
 * actor's activity that day; a finding names the user and the rule, never a child.
 */
export type MisuseRule =
  | 'many-children'
  | 'out-of-area'
  | 'personal-connection'
  | 'shielded-view'
  | 'child-protection-override'
  | 'shielded-duplicate'
  | 'unusual-hours';

export interface MisuseThresholds {
  /** Distinct children viewed by one user in a day before it is flagged. */
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
  /** Once-per-day rules share one key per user and day, so the finding is raised once. */
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

function outOfArea(actor: Actor, children: Map<string, ChildFacts>, ids: string[]): Set<string> {
  return new Set(
    ids.filter((id) => {
      const child = children.get(id);
      return (
        child !== undefined &&
        actor.area !== undefined &&
        child.localAuthority !== actor.area &&
        !child.involvedOrganisations.includes(actor.organisationId)
      );
    }),
  );
}

/**
 * What the new `event` reveals, given everything the same actor did earlier that day (`earlierToday`,
 * not including the event). Threshold rules fire once, at the crossing.
 */
export function misuseFindings(
  event: AuditEvent,
  earlierToday: AuditEvent[],
  actor: Actor,
  children: Map<string, ChildFacts>,
  thresholds: MisuseThresholds,
): MisuseFinding[] {
  const findings: MisuseFinding[] = [];
  const today = day(event.at);
  const once = (rule: MisuseRule) => ({ rule, key: `${rule}#${actor.userId}#${today}` });
  const viewed = (events: AuditEvent[]) =>
    new Set(
      events.filter((e) => e.action === 'view-child' && e.outcome === 'success').flatMap((e) => e.childIds),
    );

  const before = viewed(earlierToday).size;
  const after = viewed([...earlierToday, event]).size;
  if (before < thresholds.distinctChildrenPerDay && after >= thresholds.distinctChildrenPerDay)
    findings.push(once('many-children'));

  const seen = (events: AuditEvent[]) =>
    outOfArea(
      actor,
      children,
      events
        .filter((e) => e.action === 'search-children' || e.action === 'view-child')
        .flatMap((e) => e.childIds),
    );
  const outBefore = seen(earlierToday).size;
  const outAfter = new Set([...seen(earlierToday), ...seen([event])]).size;
  if (outBefore < thresholds.outOfAreaChildrenPerDay && outAfter >= thresholds.outOfAreaChildrenPerDay)
    findings.push(once('out-of-area'));

  if (event.action === 'view-child' && event.outcome === 'success') {
    for (const childId of event.childIds) {
      const child = children.get(childId);
      const sameName =
        actor.familyName !== undefined &&
        child &&
        normaliseName(child.familyName) === normaliseName(actor.familyName);
      const sameAddress = actor.homePostcode !== undefined && child?.postcodes.includes(actor.homePostcode);
      if (sameName || sameAddress)
        findings.push({ rule: 'personal-connection', key: `personal-connection#${event.eventId}` });
      if (event.disclosure?.[childId] === 'shielded')
        findings.push({ rule: 'shielded-view', key: `shielded-view#${event.eventId}` });
    }
  }

  // R3: every break-glass view is a finding to review, whoever made it and however often.
  if (event.action === 'override-view' && event.outcome === 'success')
    findings.push({ rule: 'child-protection-override', key: `child-protection-override#${event.eventId}` });

  // R3: trying to create (or correct into) a second record of a shielded child is refused, and reviewed.
  if ((event.action === 'create-child' || event.action === 'update-child') && event.outcome === 'conflict') {
    if (event.childIds.some((id) => children.get(id)?.shieldingOrganisationId !== undefined))
      findings.push({ rule: 'shielded-duplicate', key: `shielded-duplicate#${event.eventId}` });
  }

  const { from, to } = thresholds.unusualHours;
  const unusual = (e: AuditEvent) => {
    const hour = ukHour(e.at);
    return from <= to ? hour >= from && hour < to : hour >= from || hour < to;
  };
  if (unusual(event) && !earlierToday.some(unusual)) findings.push(once('unusual-hours'));
  return findings;
}
