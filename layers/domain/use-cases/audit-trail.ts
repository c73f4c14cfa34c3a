import type { Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { type SubjectAccessReport, subjectAccessReport } from '../audit/subject-access.ts';
import { type TrailEntry, withoutWhereabouts } from '../audit/trail.ts';
import { NotFoundError } from '../errors.ts';
import type {
  AuditSink,
  AuditTrailIndex,
  ChildRepository,
  DirectoryRepository,
  Environment,
  InvolvementRepository,
} from '../ports.ts';
import { isMaintainingTeam, isShieldingTeam } from '../shield/teams.ts';
import { loadForChange, refuse } from './guard.ts';

export interface TrailQuery {
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

const PAGE_SIZE = 50;

/**
 * R6 oversight: who looked at this child, when, why and what they were shown. A council's auditors
 * read the histories of children in their area; anything else looks like nothing. The read is audited.
 * R3: a shielded child's history is read in full only by the shielding council's auditors; the
 * maintaining council's auditors (where that is another council) see it with every organisation, user
 * and free text withheld, since those would point to where the child now is.
 */
export async function readChildTrail(
  deps: {
    children: Pick<ChildRepository, 'get'>;
    trail: AuditTrailIndex;
    audit: AuditSink;
    env: Environment;
  },
  auditor: Principal,
  childId: string,
  query: TrailQuery,
  facts: RequestFacts,
): Promise<{ entries: TrailEntry[]; next?: string | undefined }> {
  const child = await deps.children.get(childId);
  const council = auditor.localAuthority;
  const shieldingCouncil = child?.shield?.authority;
  const reads = council !== undefined && (child?.localAuthority === council || shieldingCouncil === council);
  // A 404 here is audited too (R6): an auditor probing for children outside their area is evidence.
  if (!child || !reads)
    return refuse(deps, auditor, facts, 'read-audit-trail', [childId], new NotFoundError('Child'));
  const masked = shieldingCouncil !== undefined && shieldingCouncil !== council;
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, {
      action: 'read-audit-trail',
      outcome: 'success',
      childIds: [childId],
    }),
  );
  const page = await deps.trail.page({ childId }, { ...query, limit: PAGE_SIZE });
  return masked ? { ...page, entries: page.entries.map(withoutWhereabouts) } : page;
}

/** Machine clients act, and are refused, under `client:<clientId>` (R8). */
const CLIENT_PREFIX = 'client:';

/**
 * What a user searched for and viewed: for the auditors of the organisation that administers them. A
 * case management system's history (`client:<clientId>`) is read the same way, by the auditors of the
 * organisation that administers the client's organisation.
 */
export async function readUserTrail(
  deps: {
    directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation' | 'getMachineClient'>;
    trail: AuditTrailIndex;
    audit: AuditSink;
    env: Environment;
  },
  auditor: Principal,
  userId: string,
  query: TrailQuery,
  facts: RequestFacts,
): Promise<{ entries: TrailEntry[]; next?: string | undefined }> {
  const holder = userId.startsWith(CLIENT_PREFIX)
    ? await deps.directory.getMachineClient(userId.slice(CLIENT_PREFIX.length))
    : await deps.directory.getAccount(userId);
  const organisation = holder && (await deps.directory.getOrganisation(holder.organisationId));
  if (!organisation || organisation.administeredBy !== auditor.organisationId) {
    await deps.audit.record(
      auditEventFor(deps.env, auditor, facts, {
        action: 'read-audit-trail',
        outcome: 'not-found',
        subjectUserId: userId,
      }),
    );
    throw new NotFoundError('User');
  }
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, {
      action: 'read-audit-trail',
      outcome: 'success',
      subjectUserId: userId,
    }),
  );
  return deps.trail.page({ userId }, { ...query, limit: PAGE_SIZE });
}

const MAX_HISTORY = 10_000;

/**
 * A subject access report, for the ContactPoint team that maintains the record (a family's request is
 * made to them). Preparing it is audited like any other access (R6). R3: a shielded record's report is
 * prepared only by the team that shielded it, and only while that team also maintains the record — a
 * family member asking may be the person the child is hidden from, and only that team knows what to
 * withhold (decision 0004).
 */
export async function prepareSubjectAccessReport(
  deps: {
    children: ChildRepository;
    involvements: Pick<InvolvementRepository, 'listForChild'>;
    trail: AuditTrailIndex;
    audit: AuditSink;
    env: Environment;
  },
  dataManager: Principal,
  childId: string,
  facts: RequestFacts,
): Promise<SubjectAccessReport> {
  const record = await loadForChange(deps, dataManager, facts, 'subject-access-report', childId, (r) =>
    r.shield
      ? isShieldingTeam(dataManager, r) && isMaintainingTeam(dataManager, r)
      : isMaintainingTeam(dataManager, r),
  );
  const [involvements, history] = await Promise.all([
    deps.involvements.listForChild(childId),
    fullHistory(deps.trail, childId),
  ]);
  await deps.audit.record(
    auditEventFor(deps.env, dataManager, facts, {
      action: 'subject-access-report',
      outcome: 'success',
      childIds: [childId],
      disclosure: { [childId]: 'full' },
    }),
  );
  return subjectAccessReport(record, involvements, history, deps.env.now().toISOString(), dataManager);
}

async function fullHistory(trail: AuditTrailIndex, childId: string): Promise<TrailEntry[]> {
  const entries: TrailEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await trail.page({ childId }, { limit: 500, cursor });
    entries.push(...page.entries);
    cursor = page.next;
  } while (cursor && entries.length < MAX_HISTORY);
  return entries;
}
