import type { Principal } from '../access/principal.ts';
import { type AuditAction, auditEventFor, type RequestFacts } from '../audit/event.ts';
import type { ChildRecord } from '../child/record.ts';
import {
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '../errors.ts';
import type { Dependencies } from '../ports.ts';
import { isMaintainingTeam } from '../shield/teams.ts';

type Deps = Pick<Dependencies, 'children' | 'audit' | 'env'>;

/** Audits a refusal (R6: denied attempts are evidence too), then refuses. */
export async function refuse(
  deps: Pick<Dependencies, 'audit' | 'env'>,
  principal: Principal,
  facts: RequestFacts,
  action: AuditAction,
  childIds: string[],
  error: Error,
  /** What was refused, for auditors (never child data). */
  note?: string,
): Promise<never> {
  const outcome =
    error instanceof NotFoundError ? 'not-found' : error instanceof ForbiddenError ? 'denied' : 'conflict';
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, { action, childIds, outcome, ...(note && { note }) }),
  );
  throw error;
}

/**
 * The maintaining council's ContactPoint team corrects a record, shielded or not: shielding it from
 * another council gives that council the shield, never the record (decision 0004).
 */
export function maintainsRecord(principal: Principal, record: ChildRecord): boolean {
  return isMaintainingTeam(principal, record);
}

/** Loads a record for a change, refusing (and auditing) when it is missing or not the caller's to change. */
export async function loadForChange(
  deps: Deps,
  principal: Principal,
  facts: RequestFacts,
  action: AuditAction,
  childId: string,
  mayChange: (record: ChildRecord) => boolean = (record) => maintainsRecord(principal, record),
): Promise<ChildRecord> {
  const record = await deps.children.get(childId);
  if (!record) return refuse(deps, principal, facts, action, [childId], new NotFoundError('Child'));
  if (!mayChange(record)) {
    return refuse(
      deps,
      principal,
      facts,
      action,
      [childId],
      new ForbiddenError('Only the ContactPoint team responsible for this record may change it'),
    );
  }
  return record;
}

/** ETag / If-Match: a change without a precondition is 428 … */
export function requireVersion(expected: number | undefined): number {
  if (expected === undefined) throw new PreconditionRequiredError('This change needs an If-Match header');
  return expected;
}

/** … and one made against a version that is no longer current is 412 — never a lost update. */
export function checkVersion(expected: number, current: number): void {
  if (expected !== current) throw new PreconditionFailedError('The record has changed since it was read');
}
