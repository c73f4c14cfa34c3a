import { hasRole, type Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { type ChildRecord, etagOf } from '../child/record.ts';
import type { OtherName } from '../child/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { SourceRow } from '../feeds/best-view.ts';
import type { FeedRecord } from '../feeds/feed.ts';
import type { ReviewDecision, ReviewItem } from '../feeds/review.ts';
import {
  type ChildSourceView,
  feedRowView,
  type ReviewDecisionBody,
  type ReviewDecisionResult,
  type ReviewQuery,
  type ReviewView,
  type RowDestination,
  reviewView,
  type SplitResult,
} from '../feeds/review-view.ts';
import type { AuditSink } from '../ports.ts';
import { isMaintainingTeam, isShieldingTeam } from '../shield/teams.ts';
import { loadForChange, refuse } from './guard.ts';
import {
  contentOf,
  type FeedLinkageDependencies,
  joinChild,
  type LinkOutcome,
  linkFeedRecord,
  withBestView,
} from './link-feed-records.ts';

export type ReviewDependencies = FeedLinkageDependencies & { audit: AuditSink };
type ListDependencies = Pick<ReviewDependencies, 'children' | 'reviews' | 'audit' | 'env'>;
type SourceDependencies = Pick<ReviewDependencies, 'children' | 'feeds' | 'audit' | 'env'>;

const DEFAULT_PAGE = 20;

/** The council whose queue the caller works: a data manager's own (R8); nobody else has one. */
function queueOf(principal: Principal): string | undefined {
  return hasRole(principal, 'data-manager') ? principal.localAuthority : undefined;
}

/**
 * R3: a pair whose candidate is shielded is for the shielding council's team alone; any other pair for the
 * team whose queue holds it. Judged on the record as it stands now, so a child shielded since the item was
 * raised is not shown to a team that no longer may see it.
 */
function mayReview(principal: Principal, item: ReviewItem, candidate: ChildRecord | undefined): boolean {
  if (item.queue !== queueOf(principal)) return false;
  return !candidate?.shield || isShieldingTeam(principal, candidate);
}

/**
 * R8: the team's open review items, oldest first, a page at a time: each the feed row beside the candidate's
 * record (in full: only the team that maintains it, or shields it, ever sees the pair), with the engine's words.
 * Audited (R6) with the children shown before anything is answered.
 */
export async function listReviews(
  deps: ListDependencies,
  principal: Principal,
  query: ReviewQuery,
  facts: RequestFacts,
): Promise<{ reviews: ReviewView[]; next?: string | undefined }> {
  const queue = queueOf(principal);
  if (!queue) {
    return refuse(
      deps,
      principal,
      facts,
      'list-reviews',
      [],
      new ForbiddenError('Only a council’s ContactPoint team has a review queue'),
    );
  }
  const page = await deps.reviews.listOpen(queue, {
    limit: query.limit ?? DEFAULT_PAGE,
    cursor: query.cursor,
  });
  const candidates = await Promise.all(page.items.map((item) => deps.children.get(item.candidateChildId)));
  const reviews = page.items.flatMap((item, i) =>
    mayReview(principal, item, candidates[i]) ? [reviewView(item, candidates[i])] : [],
  );
  const shown = [...new Set(reviews.flatMap((r) => (r.candidate ? [r.candidate.childId] : [])))];
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'list-reviews',
      outcome: reviews.length > 0 ? 'success' : 'no-match',
      childIds: shown,
      disclosure: Object.fromEntries(shown.map((id) => [id, 'full' as const])),
    }),
  );
  return { reviews, ...(page.next && { next: page.next }) };
}

const asFeedRecord = (row: SourceRow): FeedRecord => ({
  feed: row.feed,
  sourceId: row.sourceId,
  extractDate: row.extractDate,
  line: 0,
  fields: row.fields,
});

/** Where the linker put a row: read back from its link, as the next load will see it. */
async function destinationOf(
  deps: Pick<ReviewDependencies, 'feeds'>,
  row: FeedRecord,
  outcome: LinkOutcome,
): Promise<{ rowWent: RowDestination; childId?: string | undefined }> {
  if (outcome === 'queued-for-review') return { rowWent: 'another-review' };
  const { link } = await deps.feeds.sourceState(row.feed, row.sourceId, contentOf(row));
  return { rowWent: outcome === 'created' ? 'new-child' : 'other-child', childId: link?.childId };
}

/**
 * R8: the team decides a pair. "Same child": the row joins the candidate, whose record becomes the best view of
 * everything held. "Different children": remembered first, so no later load links them, then the row is linked
 * afresh without the candidate (it may join another child, make a new one, or come before a team again). The
 * item is then marked decided with where the row went, with the audit event; deciding it again is 409. Another
 * council's item, or a shielded child's for any team but the shielding one, is 404 as if it did not exist.
 */
export async function decideReview(
  deps: ReviewDependencies,
  principal: Principal,
  reviewId: string,
  body: ReviewDecisionBody,
  facts: RequestFacts,
): Promise<ReviewDecisionResult> {
  const queue = queueOf(principal);
  const item = queue ? await deps.reviews.get(queue, reviewId) : undefined;
  const candidate = item && (await deps.children.get(item.candidateChildId));
  if (!item || !mayReview(principal, item, candidate)) {
    return refuse(deps, principal, facts, 'decide-review', [], new NotFoundError('Review'));
  }
  const childIds = [item.candidateChildId];
  if (item.status !== 'open') {
    return refuse(
      deps,
      principal,
      facts,
      'decide-review',
      childIds,
      new ConflictError('This pair has been decided already'),
    );
  }
  let destination: { rowWent: RowDestination; childId?: string | undefined };
  if (body.outcome === 'same-child' && !candidate) {
    // R7: the candidate's record has left (archived). The row is that child's: it makes no record, now or at a
    // later load, and the item is closed.
    await deps.feeds.rememberDeparted(item.row.feed, item.row.sourceId, item.candidateChildId);
    destination = { rowWent: 'candidate' };
  } else if (body.outcome === 'same-child' && candidate) {
    await joinChild(deps, item.row, candidate.childId, 'linked', undefined, { actor: principal, facts });
    destination = { rowWent: 'candidate', childId: candidate.childId };
  } else {
    // A later load may have linked the row to this very child meanwhile: undoing that is a split, not this.
    const { link } = await deps.feeds.sourceState(item.row.feed, item.row.sourceId, contentOf(item.row));
    if (link?.childId === item.candidateChildId) {
      return refuse(
        deps,
        principal,
        facts,
        'decide-review',
        childIds,
        new ConflictError(
          'The row has been linked to this child since the pair was raised: split it off the child instead',
        ),
      );
    }
    // An identifier is one child's (R8): while the candidate holds the row's, the row could make no child of its own.
    const shared = (['nhsNumber', 'upn'] as const).some(
      (kind) => item.row.fields[kind] && candidate?.[kind] === item.row.fields[kind],
    );
    if (shared) {
      return refuse(
        deps,
        principal,
        facts,
        'decide-review',
        childIds,
        new ConflictError(
          'The candidate holds this row’s NHS number or UPN: correct the record first, or decide same child',
        ),
      );
    }
    await deps.feeds.rememberNot(item.row.feed, item.row.sourceId, item.candidateChildId);
    destination = await destinationOf(
      deps,
      item.row,
      await linkFeedRecord(deps, item.row, { actor: principal, facts }),
    );
  }
  const decision: ReviewDecision = {
    outcome: body.outcome,
    decidedBy: principal.userId,
    decidedAt: deps.env.now().toISOString(),
    ...destination,
  };
  await deps.reviews.decide(
    { ...item, status: 'decided', decision },
    auditEventFor(deps.env, principal, facts, {
      action: 'decide-review',
      outcome: 'success',
      childIds: [...new Set([...childIds, ...(destination.childId ? [destination.childId] : [])])],
      note: `${body.outcome}: row to ${destination.rowWent}`,
    }),
  );
  return {
    reviewId: item.reviewId,
    status: 'decided',
    outcome: body.outcome,
    rowWent: destination.rowWent,
    ...(destination.childId && { childId: destination.childId }),
    decidedAt: decision.decidedAt,
  };
}

/**
 * The team that answers for a child's sources: the shielding council's for a shielded child (R3), otherwise
 * the maintaining council's.
 */
function answersForSources(principal: Principal, record: ChildRecord): boolean {
  return record.shield ? isShieldingTeam(principal, record) : isMaintainingTeam(principal, record);
}

/** R8: the feed rows held for a child, each with the reference that names it, for its team only; audited. */
export async function listChildSources(
  deps: SourceDependencies,
  principal: Principal,
  childId: string,
  facts: RequestFacts,
): Promise<ChildSourceView[]> {
  const record = await loadForChange(deps, principal, facts, 'list-child-sources', childId, (r) =>
    answersForSources(principal, r),
  );
  const held = await deps.feeds.sourcesOf(record.childId);
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'list-child-sources',
      outcome: 'success',
      childIds: [record.childId],
      disclosure: { [record.childId]: 'full' },
    }),
  );
  return held.flatMap((row) => (row.sourceRef ? [{ sourceRef: row.sourceRef, ...feedRowView(row) }] : []));
}

const nameKey = (n: OtherName) => `${n.givenName ?? ''}|${n.familyName ?? ''}`.toLowerCase();
const addressKey = (a: { line1: string; postcode: string }) =>
  `${a.line1}|${a.postcode.replace(/\s/g, '')}`.toLowerCase();

/** What a row says of names and addresses, to be forgotten with it unless another row says the same. */
function namesAndAddresses(rows: SourceRow[]) {
  const names = new Set<string>();
  const addresses = new Set<string>();
  for (const { fields } of rows) {
    if (fields.givenName || fields.familyName)
      names.add(nameKey({ givenName: fields.givenName, familyName: fields.familyName }));
    for (const n of fields.otherNames ?? []) names.add(nameKey(n));
    if (fields.address) addresses.add(addressKey(fields.address));
  }
  return { names, addresses };
}

/**
 * The record as if the row had never joined it: every field a feed chose is chosen again from the rows that
 * remain (what the team entered by hand stays), and the names and addresses only that row brought are forgotten
 * (R1: previous names and addresses are kept for matching; a wrong child's would attract its rows again).
 */
export function withoutSource(
  previous: ChildRecord,
  removed: SourceRow,
  remaining: SourceRow[],
  now: string,
) {
  const fromFeed = (field: keyof NonNullable<ChildRecord['provenance']>) =>
    previous.provenance?.[field] !== undefined && previous.provenance[field]?.source !== 'council';
  const stripped: ChildRecord = { ...previous };
  for (const field of ['nhsNumber', 'upn', 'address', 'education', 'gpPractice'] as const) {
    if (fromFeed(field)) delete stripped[field];
  }
  const gone = namesAndAddresses([removed]);
  const kept = namesAndAddresses(remaining);
  const forget = {
    names: new Set([...gone.names].filter((n) => !kept.names.has(n))),
    addresses: new Set([...gone.addresses].filter((a) => !kept.addresses.has(a))),
  };
  stripped.otherNames = previous.otherNames?.filter((n) => !forget.names.has(nameKey(n)));
  stripped.previousAddresses = previous.previousAddresses?.filter(
    (a) => !forget.addresses.has(addressKey(a)),
  );
  if (stripped.address && forget.addresses.has(addressKey(stripped.address))) delete stripped.address;
  const next = withBestView(stripped, remaining, now);
  const otherNames = next.otherNames?.filter((n) => !forget.names.has(nameKey(n)));
  const previousAddresses = next.previousAddresses?.filter((a) => !forget.addresses.has(addressKey(a)));
  const { otherNames: _o, previousAddresses: _p, ...rest } = next;
  return {
    ...rest,
    ...(otherNames && otherNames.length > 0 && { otherNames }),
    ...(previousAddresses && previousAddresses.length > 0 && { previousAddresses }),
  } satisfies ChildRecord;
}

/**
 * R8 "split a wrong merge": the child's team takes one feed row off the child. The record becomes the best view
 * of the rows that remain; the row is remembered as not this child (with the change and its audit event, in
 * FeedLinkageStore.detachSource), then linked afresh — usually making a new child. A child's only source is
 * not split off (409): there would be nothing left to describe it; nor a row whose NHS number or UPN the record
 * keeps because a team entered it (409): the row could then make no child of its own.
 */
export async function splitSource(
  deps: ReviewDependencies,
  principal: Principal,
  childId: string,
  sourceRef: string,
  facts: RequestFacts,
): Promise<SplitResult> {
  const record = await loadForChange(deps, principal, facts, 'split-child-source', childId, (r) =>
    answersForSources(principal, r),
  );
  const held = await deps.feeds.sourcesOf(record.childId);
  const row = held.find((s) => s.sourceRef === sourceRef);
  if (!row) {
    return refuse(deps, principal, facts, 'split-child-source', [childId], new NotFoundError('Source row'));
  }
  const remaining = held.filter((s) => s !== row);
  if (remaining.length === 0) {
    return refuse(
      deps,
      principal,
      facts,
      'split-child-source',
      [childId],
      new ConflictError(
        'This row is the child’s only source: there would be nothing left to describe the child',
      ),
    );
  }
  const next = withoutSource(record, row, remaining, deps.env.now().toISOString());
  // An identifier is one child's (R8): while the record keeps the row's, the row could make no child of its own.
  if ((['nhsNumber', 'upn'] as const).some((kind) => row.fields[kind] && next[kind] === row.fields[kind])) {
    return refuse(
      deps,
      principal,
      facts,
      'split-child-source',
      [childId],
      new ConflictError(
        'The record still holds this row’s NHS number or UPN, entered by a ContactPoint team: correct the record first',
      ),
    );
  }
  await deps.feeds.detachSource(
    record,
    next,
    row,
    auditEventFor(deps.env, principal, facts, {
      action: 'split-child-source',
      outcome: 'success',
      childIds: [childId],
      note: `${row.feed} row split off`,
    }),
  );
  const feedRecord = asFeedRecord(row);
  const destination = await destinationOf(
    deps,
    feedRecord,
    await linkFeedRecord(deps, feedRecord, { actor: principal, facts }),
  );
  return {
    childId,
    etag: etagOf(next.version),
    rowWent: destination.rowWent === 'candidate' ? 'other-child' : destination.rowWent,
    ...(destination.childId && { rowChildId: destination.childId }),
  };
}
