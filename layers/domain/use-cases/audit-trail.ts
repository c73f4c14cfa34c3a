import type { DirectoryRepository } from '../access/organisation.ts';
import type { Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import type { TrailEntry } from '../audit/trail.ts';
import { NotFoundError } from '../errors.ts';
import type { AuditSink, AuditTrailIndex, ChildRepository, Environment } from '../ports.ts';

export interface TrailQuery {
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

const PAGE_SIZE = 50;

/**
 * R6 oversight: who looked at this child, when, why and what they were shown. A council's auditors
 * read the histories of children in their area; anything else looks like nothing. The read is audited.
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
  if (!child || !auditor.localAuthority || child.localAuthority !== auditor.localAuthority) {
    throw new NotFoundError('Child');
  }
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, {
      action: 'read-audit-trail',
      outcome: 'success',
      childIds: [childId],
    }),
  );
  return deps.trail.page(`CHILD#${childId}`, { ...query, limit: PAGE_SIZE });
}

/** What a user searched for and viewed: for the auditors of the organisation that administers them. */
export async function readUserTrail(
  deps: {
    directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation'>;
    trail: AuditTrailIndex;
    audit: AuditSink;
    env: Environment;
  },
  auditor: Principal,
  userId: string,
  query: TrailQuery,
  facts: RequestFacts,
): Promise<{ entries: TrailEntry[]; next?: string | undefined }> {
  const account = await deps.directory.getAccount(userId);
  const organisation = account && (await deps.directory.getOrganisation(account.organisationId));
  if (!organisation || organisation.administeredBy !== auditor.organisationId)
    throw new NotFoundError('User');
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, {
      action: 'read-audit-trail',
      outcome: 'success',
      subjectUserId: userId,
    }),
  );
  return deps.trail.page(`USER#${userId}`, { ...query, limit: PAGE_SIZE });
}
