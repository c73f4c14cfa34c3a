import { MISUSE_ALERT_DAYS, type MisuseAlert } from '../alerts/misuse-alert.ts';
import type { AuditEvent } from '../audit/event.ts';
import {
  type Actor,
  type ChildFacts,
  childrenSeen,
  isOutOfArea,
  type MisuseThresholds,
  misuseFindings,
  ONCE_A_DAY_RULES,
} from '../audit/misuse.ts';
import type {
  ChildRepository,
  DirectoryRepository,
  Environment,
  InvolvementRepository,
  MisuseAlertRepository,
  MisuseCounters,
} from '../ports.ts';

export interface MisuseDeps {
  directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation'>;
  children: Pick<ChildRepository, 'get'>;
  involvements: Pick<InvolvementRepository, 'listForChild'>;
  counters: MisuseCounters;
  alerts: Pick<MisuseAlertRepository, 'raise'>;
  env: Environment;
  thresholds: MisuseThresholds;
}

/** Children counted per event: far above any search's page of results, bounded for a runaway event. */
const MAX_CHILDREN = 200;
/** Actions whose own children a rule looks at (personal connection, shielded duplicates, overrides). */
const CHILD_RULE_ACTIONS = new Set<AuditEvent['action']>([
  'view-child',
  'override-view',
  'create-child',
  'update-child',
]);

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
 * R10: checks each new audit event of a user against the misuse rules and raises an alert for the
 * auditors of the organisation that administers the user (one alert per organisation, read through
 * GET /audit/alerts). The user's day is kept in per-user-day counters updated by each event, so an event
 * costs work in proportion to the children it names, never to the length of the user's day. Alerts name
 * the user and the rule, never a child.
 */
export async function detectMisuse(deps: MisuseDeps, events: AuditEvent[]): Promise<number> {
  const actorFor = onceEach((userId) => actorOf(deps, userId));
  const factsFor = onceEach((childId) => childFact(deps, childId));
  let raised = 0;
  for (const event of events) {
    if (event.actorId.includes(':')) continue; // system jobs and machine clients are not people
    const found = await actorFor(event.actorId);
    if (!found) continue;
    const { account, administeredBy, actor } = found;
    const day = event.at.slice(0, 10);
    const seen = [...new Set(childrenSeen(event))].slice(0, MAX_CHILDREN);
    const fresh = seen.length > 0 ? await deps.counters.uncounted(actor.userId, day, seen) : [];
    // Facts only where a rule needs them: new children when the user has an area, and the event's own
    // children for the rules about one record.
    const needed = new Set([
      ...(actor.area !== undefined ? fresh : []),
      ...(CHILD_RULE_ACTIONS.has(event.action) ? event.childIds.slice(0, MAX_CHILDREN) : []),
    ]);
    const children = new Map<string, ChildFacts>();
    for (const id of needed) {
      const facts = await factsFor(id);
      if (facts) children.set(id, facts);
    }
    const today = await deps.counters.count(
      actor.userId,
      day,
      fresh.map((childId) => {
        const facts = children.get(childId);
        return { childId, outOfArea: facts !== undefined && isOutOfArea(actor, facts) };
      }),
    );
    const findings = misuseFindings(event, today, actor, children, deps.thresholds);
    const now = deps.env.now();
    for (const finding of findings) {
      // An override is told to the shielding council's auditors too, at once (R3).
      const shielding =
        finding.rule === 'child-protection-override' || finding.rule === 'shielded-duplicate'
          ? event.childIds.flatMap((id) => children.get(id)?.shieldingOrganisationId ?? [])
          : [];
      for (const reviewingOrganisationId of new Set([administeredBy, ...shielding])) {
        const alert: MisuseAlert = {
          alertId: finding.key,
          reviewingOrganisationId,
          rule: finding.rule,
          subjectUserId: account.userId,
          subjectEmail: account.email,
          organisationId: account.organisationId,
          message: `Possible misuse by ${account.email}: ${finding.rule} (R10). Review their activity in the audit trail.`,
          createdAt: now.toISOString(),
          status: 'open',
          version: 1,
          expiresAt: Math.floor(now.getTime() / 1000) + MISUSE_ALERT_DAYS * 86_400,
        };
        await deps.alerts.raise(alert);
        raised++;
      }
      // Marked only once raised: a failure in between raises it again on the next attempt
      // (detectMisuseWithRetries), and raise is idempotent.
      if (ONCE_A_DAY_RULES.includes(finding.rule))
        await deps.counters.markAlerted(actor.userId, day, finding.rule);
    }
  }
  return raised;
}

/** How often a batch's detection is tried, and the first pause between tries (doubled each time, jittered). */
export interface MisuseRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const MISUSE_RETRY: MisuseRetryPolicy = { attempts: 3, baseDelayMs: 100 };

/**
 * R10: detection is idempotent (a child is counted once by its marker, an alert raised once by its key, a
 * once-a-day rule marked only after it is raised), so a failed attempt is simply run again over the same
 * batch, after a short exponential pause with jitter. The last attempt's error is thrown: the caller
 * records the batch as unchecked, since the stream has moved on and nothing will check it again.
 */
export async function detectMisuseWithRetries(
  deps: MisuseDeps,
  events: AuditEvent[],
  policy: MisuseRetryPolicy = MISUSE_RETRY,
): Promise<number> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await detectMisuse(deps, events);
    } catch (error) {
      if (attempt >= policy.attempts) throw error;
      const ceiling = policy.baseDelayMs * 2 ** (attempt - 1);
      await sleep(ceiling / 2 + (random() * ceiling) / 2);
    }
  }
}
