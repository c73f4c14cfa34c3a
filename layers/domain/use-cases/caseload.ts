import type { Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import { childViewFor, hiddenFromViewer, involvementView } from '../disclosure/view.ts';
import type { ChildView } from '../disclosure/view-schema.ts';
import type { CaseloadChild, CaseloadItem, CaseloadQuery } from '../involvement/caseload.ts';
import { isActive } from '../involvement/schema.ts';
import type { Dependencies } from '../ports.ts';

type Deps = Pick<Dependencies, 'children' | 'involvements' | 'audit' | 'env'>;

const DEFAULT_PAGE = 20;

/**
 * The child as the caller's own view shows it, cut down to what every view holds (R2, R3): picked from the view
 * `childViewFor` builds, never from the record, so a shielded child shows the shielded view's fields and nothing
 * that reveals whereabouts.
 */
export function caseloadChildOf(view: ChildView): CaseloadChild {
  return {
    disclosure: view.disclosure,
    childId: view.childId,
    givenName: view.givenName,
    familyName: view.familyName,
    gender: view.gender,
    dateOfBirth: view.dateOfBirth,
    ...(view.disclosure === 'shielded' && { contactInstruction: view.contactInstruction }),
  };
}

/**
 * A user's own caseload: the involvements they recorded themselves, newest recorded first, active or ended, each
 * with its ETag (to end it with If-Match) and the child as their own view shows it. Another user's involvements
 * are never read (the index is keyed on the recorder). A sensitive involvement the caller's organisation no
 * longer holds (they moved) is not shown (R2); nor is one whose record has left (R7).
 *
 * R6: the children named are recorded in the audit event before the page is returned (fail closed), each as a
 * `match-summary`: the summary shows no more than a search result does. R10: the list reaches only children the
 * caller has already registered with (each registration audited), so it does not count as views of them.
 */
export async function listOwnInvolvements(
  deps: Deps,
  principal: Principal,
  query: CaseloadQuery,
  facts: RequestFacts,
): Promise<{ involvements: CaseloadItem[]; next?: string | undefined }> {
  const { status } = query;
  const today = todayIso(deps.env.now());
  const page = await deps.involvements.listRecordedBy(principal.userId, {
    status,
    today,
    limit: query.limit ?? DEFAULT_PAGE,
    cursor: query.cursor,
  });
  // The repository's filter mirrors isActive; the rule itself, and whose they are, are held here.
  const own = page.involvements.filter(
    (i) =>
      i.recordedBy === principal.userId &&
      isActive(i, today) === (status === 'active') &&
      !hiddenFromViewer(i, principal),
  );
  const childIds = [...new Set(own.map((i) => i.childId))];
  const views = new Map<string, ChildView>();
  await Promise.all(
    childIds.map(async (childId) => {
      const [record, involvements] = await Promise.all([
        deps.children.get(childId),
        deps.involvements.listForChild(childId),
      ]);
      if (record) views.set(childId, childViewFor(record, involvements, principal));
    }),
  );
  const items = own.flatMap((i) => {
    const view = views.get(i.childId);
    return view ? [{ involvement: involvementView(i), child: caseloadChildOf(view) }] : [];
  });
  const named = childIds.filter((id) => views.has(id));
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'list-own-involvements',
      outcome: 'success',
      childIds: named,
      disclosure: Object.fromEntries(named.map((id) => [id, 'match-summary' as const])),
      note: `status ${status}`,
    }),
  );
  return { involvements: items, ...(page.next && { next: page.next }) };
}
