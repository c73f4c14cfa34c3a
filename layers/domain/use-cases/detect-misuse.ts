import type { Alert } from '../alerts/alert.ts';
import type { AuditEvent } from '../audit/event.ts';
import { type Actor, type ChildFacts, type MisuseThresholds, misuseFindings } from '../audit/misuse.ts';
import type {
  AlertRepository,
  AuditTrailIndex,
  ChildRepository,
  DirectoryRepository,
  Environment,
  InvolvementRepository,
} from '../ports.ts';

export interface MisuseDeps {
  directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation' | 'listAccounts'>;
  children: Pick<ChildRepository, 'get'>;
  involvements: Pick<InvolvementRepository, 'listForChild'>;
  trail: AuditTrailIndex;
  alerts: AlertRepository;
  env: Environment;
  thresholds: MisuseThresholds;
}

const MAX_DAY_ENTRIES = 1000;
const ALERT_DAYS = 180;
/** Children looked up per event: enough for every rule's threshold, bounded for a runaway day. */
const MAX_CHILDREN = 200;

async function earlierToday(deps: MisuseDeps, event: AuditEvent): Promise<AuditEvent[]> {
  const entries: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.trail.page(
      { userId: event.actorId },
      {
        from: event.at.slice(0, 10),
        to: event.at.slice(0, 10),
        limit: 200,
        cursor,
      },
    );
    for (const e of page.entries) {
      if (e.eventId === event.eventId || e.at > event.at) continue;
      entries.push({
        ...event,
        eventId: e.eventId,
        at: e.at,
        action: e.action as AuditEvent['action'],
        outcome: e.outcome as AuditEvent['outcome'],
        childIds: e.childIds,
        disclosure: undefined,
      });
    }
    cursor = page.next;
  } while (cursor && entries.length < MAX_DAY_ENTRIES);
  return entries;
}

async function childFact(deps: MisuseDeps, id: string): Promise<ChildFacts | undefined> {
  const [record, involvements] = await Promise.all([
    deps.children.get(id),
    deps.involvements.listForChild(id),
  ]);
  if (!record) return undefined;
  return {
    localAuthority: record.localAuthority,
    familyName: record.familyName,
    postcodes: [record.address, ...(record.previousAddresses ?? [])].flatMap((a) => (a ? [a.postcode] : [])),
    involvedOrganisations: [...new Set(involvements.map((i) => i.organisationId))],
    ...(record.shield?.organisationId !== undefined && {
      shieldingOrganisationId: record.shield.organisationId,
    }),
  };
}

async function actorOf(deps: MisuseDeps, userId: string) {
  const account = await deps.directory.getAccount(userId);
  const organisation = account && (await deps.directory.getOrganisation(account.organisationId));
  if (!account || !organisation) return undefined;
  const administering = await deps.directory.getOrganisation(organisation.administeredBy);
  const actor: Actor = {
    userId: account.userId,
    organisationId: account.organisationId,
    area: administering?.gssCode,
    familyName: account.familyName,
    homePostcode: account.homePostcode,
  };
  return { account, administeredBy: organisation.administeredBy, actor };
}

/** One lookup per key for the whole batch: a batch is mostly one user's run of requests on few children. */
function onceEach<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const loaded = new Map<string, Promise<T>>();
  return (key) => {
    const known = loaded.get(key);
    if (known) return known;
    const loading = load(key);
    loaded.set(key, loading);
    return loading;
  };
}

/**
 * R10: checks each new audit event of a user against the misuse rules and tells the auditors of the
 * organisation that administers the user. Alerts name the user and the rule, never a child.
 */
export async function detectMisuse(deps: MisuseDeps, events: AuditEvent[]): Promise<number> {
  const actorFor = onceEach((userId) => actorOf(deps, userId));
  const factsFor = onceEach((childId) => childFact(deps, childId));
  const auditorsOf = onceEach(async (organisationId) =>
    (await deps.directory.listAccounts(organisationId, 'active')).filter((a) => a.roles.includes('auditor')),
  );
  let raised = 0;
  for (const event of events) {
    if (event.actorId.includes(':')) continue; // system jobs and machine clients are not people
    const found = await actorFor(event.actorId);
    if (!found) continue;
    const { account, administeredBy, actor } = found;
    const earlier = await earlierToday(deps, event);
    const children = new Map<string, ChildFacts>();
    const ids = [...new Set([...event.childIds, ...earlier.flatMap((e) => e.childIds)])];
    for (const id of ids.slice(0, MAX_CHILDREN)) {
      const facts = await factsFor(id);
      if (facts) children.set(id, facts);
    }
    const findings = misuseFindings(event, earlier, actor, children, deps.thresholds);
    if (findings.length === 0) continue;
    const now = deps.env.now();
    for (const finding of findings) {
      // An override is told to the shielding council's auditors too, at once (R3).
      const shielding =
        finding.rule === 'child-protection-override' || finding.rule === 'shielded-duplicate'
          ? event.childIds.flatMap((id) => children.get(id)?.shieldingOrganisationId ?? [])
          : [];
      const organisations = [...new Set([administeredBy, ...shielding])];
      const auditors = (await Promise.all(organisations.map(auditorsOf))).flat();
      for (const auditor of auditors) {
        const alert: Alert = {
          recipientId: auditor.userId,
          alertId: `MISUSE#${finding.key}`,
          kind: 'misuse',
          rule: finding.rule,
          subjectUserId: account.userId,
          subjectEmail: account.email,
          organisationId: account.organisationId,
          message: `Possible misuse by ${account.email}: ${finding.rule} (R10). Review their activity in the audit trail.`,
          createdAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + ALERT_DAYS * 86_400,
        };
        await deps.alerts.putOnce(alert);
        raised++;
      }
    }
  }
  return raised;
}
