import type { Principal } from '../access/principal.ts';
import type { AccessReason } from '../access/reasons.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { etagOf } from '../child/record.ts';
import { childViewFor } from '../disclosure/view.ts';
import type { ChildView } from '../disclosure/view-schema.ts';
import { NotFoundError } from '../errors.ts';
import type { Dependencies } from '../ports.ts';

export interface ViewResult {
  view: ChildView;
  /** Only for a full view: the version a data manager sends back as If-Match. */
  etag?: string | undefined;
}

/** A record as this viewer may see it (R2, R3), audited with its disclosure level before it is returned (R6). */
export async function viewChild(
  deps: Pick<Dependencies, 'children' | 'involvements' | 'audit' | 'env'>,
  principal: Principal,
  childId: string,
  reason: AccessReason,
  facts: RequestFacts,
): Promise<ViewResult> {
  const [record, involvements] = await Promise.all([
    deps.children.get(childId),
    deps.involvements.listForChild(childId),
  ]);
  const base = { action: 'view-child' as const, reason, childIds: [childId] };
  if (!record) {
    await deps.audit.record(auditEventFor(deps.env, principal, facts, { ...base, outcome: 'not-found' }));
    throw new NotFoundError('Child');
  }
  const view = childViewFor(record, involvements, principal);
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      ...base,
      outcome: 'success',
      disclosure: { [childId]: view.disclosure },
    }),
  );
  return { view, ...(view.disclosure !== 'shielded' && { etag: etagOf(record.version) }) };
}
