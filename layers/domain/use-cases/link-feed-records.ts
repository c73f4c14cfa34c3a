import { type AuditEvent, auditEventFor } from '../audit/event.ts';
import type { ChildRecord } from '../child/record.ts';
import { DuplicateIdentifierError, PreconditionFailedError } from '../errors.ts';
import { bestViewOf, type SourceRow } from '../feeds/best-view.ts';
import type { FeedRecord } from '../feeds/feed.ts';
import { comparableOf, isTwin, LINKAGE_THRESHOLDS, linkageKeysOf, REGISTERS_ONCE } from '../feeds/linkage.ts';
import type { ReviewItem } from '../feeds/review.ts';
import { isShieldedScopeKey } from '../matching/blocking.ts';
import { explainMatch } from '../matching/explain.ts';
import type { MatchingModel } from '../matching/model.ts';
import { compareRecords } from '../matching/vector.ts';
import { weigh } from '../matching/weigh.ts';
import type { AuthorityLookup, Dependencies, FeedLinkageStore, ReviewQueue } from '../ports.ts';

export type FeedLinkageDependencies = Pick<Dependencies, 'children' | 'env'> & {
  feeds: FeedLinkageStore;
  reviews: ReviewQueue;
  matching: MatchingModel;
  authorities: AuthorityLookup;
};

export type LinkOutcome = 'unchanged' | 'updated' | 'linked' | 'created' | 'queued-for-review';

export interface LinkSummary {
  rows: number;
  unchanged: number;
  updated: number;
  linked: number;
  created: number;
  queuedForReview: number;
}

export const emptySummary = (): LinkSummary => ({
  rows: 0,
  unchanged: 0,
  updated: 0,
  linked: 0,
  created: 0,
  queuedForReview: 0,
});

const SUMMARY_FIELD: Record<LinkOutcome, Exclude<keyof LinkSummary, 'rows'>> = {
  unchanged: 'unchanged',
  updated: 'updated',
  linked: 'linked',
  created: 'created',
  'queued-for-review': 'queuedForReview',
};

export function addToSummary(summary: LinkSummary, outcome: LinkOutcome): void {
  summary.rows += 1;
  summary[SUMMARY_FIELD[outcome]] += 1;
}

/** The feed system itself is the actor of a feed change (R6): one per source. */
const actorOf = (row: FeedRecord) => ({
  userId: `feed:${row.feed}`,
  organisationId: 'contactpoint',
  roles: [],
});
const FEED_FACTS = { requestId: 'feed-load', sourceIp: 'internal' };

/** A row's content as compared between loads: the extract date and the fields, in a fixed order. */
export function contentOf(row: FeedRecord): string {
  return JSON.stringify({ extractDate: row.extractDate, fields: row.fields }, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const sourceRowOf = (row: FeedRecord): SourceRow => ({
  feed: row.feed,
  sourceId: row.sourceId,
  extractDate: row.extractDate,
  fields: row.fields,
});

function auditOf(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  childId: string,
  action: 'create-child' | 'update-child',
  note: string,
): AuditEvent {
  return auditEventFor(deps.env, actorOf(row), FEED_FACTS, {
    action,
    outcome: 'success',
    childIds: [childId],
    note,
  });
}

/**
 * The record as the best view of everything held for it (R8): the fields chosen, with their provenance and any
 * conflict; what the record holds beyond the feeds (carers, a shield) is kept.
 */
export function withBestView(previous: ChildRecord, rows: SourceRow[], now: string): ChildRecord {
  const view = bestViewOf(previous, rows);
  const { previousAddresses: _p, otherNames: _o, conflicts: _c, ...kept } = previous;
  return {
    ...kept,
    ...view.fields,
    ...(view.previousAddresses && { previousAddresses: view.previousAddresses }),
    provenance: view.provenance,
    ...(view.conflicts.length > 0 && { conflicts: view.conflicts }),
    version: previous.version + 1,
    updatedAt: now,
  };
}

/** A row joins a child, whose record becomes the best view of everything held for it. */
export async function joinChild(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  childId: string,
  outcome: 'updated' | 'linked' = 'linked',
): Promise<LinkOutcome> {
  const previous = await deps.children.get(childId);
  if (!previous) throw new PreconditionFailedError();
  const held = (await deps.feeds.sourcesOf(childId)).filter(
    (s) => !(s.feed === row.feed && s.sourceId === row.sourceId),
  );
  const next = withBestView(previous, [...held, sourceRowOf(row)], deps.env.now().toISOString());
  await deps.feeds.updateFromSource(
    previous,
    next,
    sourceRowOf(row),
    contentOf(row),
    auditOf(deps, row, childId, 'update-child', `${row.feed} row ${outcome}`),
  );
  return outcome;
}

async function create(deps: FeedLinkageDependencies, row: FeedRecord, content: string): Promise<LinkOutcome> {
  const view = bestViewOf(undefined, [sourceRowOf(row)]);
  const now = deps.env.now().toISOString();
  const record: ChildRecord = {
    ...view.fields,
    ...(view.previousAddresses && { previousAddresses: view.previousAddresses }),
    childId: deps.env.newChildId(),
    ...deps.authorities.forPostcode(view.fields.address?.postcode),
    provenance: view.provenance,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await deps.feeds.createFromSource(
    record,
    sourceRowOf(row),
    content,
    auditOf(deps, row, record.childId, 'create-child', `${row.feed} row created`),
  );
  return 'created';
}

interface Weighed {
  childId: string;
  shielded: boolean;
  probability: number;
  twin: boolean;
  why: string[];
}

/** The children a row may describe, each with its probability; twins and children ruled out are marked or gone. */
async function weighCandidates(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  notChildren: ReadonlySet<string>,
): Promise<Weighed[]> {
  const query = comparableOf(row.fields);
  const found = await deps.children.findByKeys(linkageKeysOf(row.fields));
  const byId = new Map<string, Weighed>();
  for (const [key, profiles] of found) {
    for (const profile of profiles) {
      if (notChildren.has(profile.childId) || byId.has(profile.childId)) continue;
      const vector = compareRecords(query, profile);
      const { probability, evidence } = weigh(deps.matching, vector, deps.matching.searchPrior);
      byId.set(profile.childId, {
        childId: profile.childId,
        shielded: isShieldedScopeKey(key),
        probability,
        twin: isTwin(vector),
        why: explainMatch(vector, evidence, query, profile, EXPLAINED),
      });
    }
  }
  return [...byId.values()].sort(
    (a, b) => b.probability - a.probability || a.childId.localeCompare(b.childId),
  );
}
const EXPLAINED = new Set(['names', 'dateOfBirth', 'gender', 'postcode'] as const);

/** Whether the child holds something that rules the row out: another identifier, or another registration. */
async function ruledOut(deps: FeedLinkageDependencies, row: FeedRecord, childId: string): Promise<boolean> {
  const record = await deps.children.get(childId);
  if (!record) return true;
  if (row.fields.nhsNumber && record.nhsNumber && row.fields.nhsNumber !== record.nhsNumber) return true;
  if (row.fields.upn && record.upn && row.fields.upn !== record.upn) return true;
  if (!REGISTERS_ONCE.has(row.feed)) return false;
  const sources = await deps.feeds.sourcesOf(childId);
  return sources.some((s) => s.feed === row.feed && s.sourceId !== row.sourceId);
}

async function queueForReview(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  candidate: Weighed,
): Promise<LinkOutcome> {
  const record = await deps.children.get(candidate.childId);
  if (!record) throw new PreconditionFailedError();
  // R3: a shielded child's pair is for its shielding team alone.
  const queue = record.shield ? record.shield.authority : record.localAuthority;
  const item: ReviewItem = {
    reviewId: `${row.feed}.${row.sourceId}.${candidate.childId}`,
    queue,
    status: 'open',
    candidateChildId: candidate.childId,
    candidateShielded: record.shield !== undefined,
    row,
    probability: candidate.probability,
    why: candidate.why,
    raisedAt: deps.env.now().toISOString(),
  };
  await deps.reviews.queue(item);
  return 'queued-for-review';
}

/**
 * Links one valid feed row (R8):
 *  1. a row seen before goes to the child it was linked to — unchanged content changes nothing;
 *  2. a valid NHS number or UPN that a record holds links to that record, shielded or not;
 *  3. otherwise the matching engine weighs the children blocking finds: at or above the link threshold the row
 *     joins the most probable child, between the thresholds a data manager decides, below it a new child is
 *     made. Twins are never joined; a child with another identifier or another registration of the same source
 *     is never joined automatically; a shielded candidate goes to its shielding team rather than let a second,
 *     unshielded record be made (R3).
 * A data manager's "different children" is remembered and respected by every later load.
 */
export async function linkFeedRecord(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  options: { createWhenUnmatched?: boolean } = {},
): Promise<LinkOutcome> {
  const content = contentOf(row);
  const state = await deps.feeds.sourceState(row.feed, row.sourceId, content);
  if (state.link) {
    if (state.link.unchanged) return 'unchanged';
    return joinChild(deps, row, state.link.childId, 'updated');
  }
  const notChildren = new Set(state.notChildren);
  for (const kind of ['nhsNumber', 'upn'] as const) {
    const value = row.fields[kind];
    if (!value) continue;
    const owner = await deps.feeds.ownerOf(kind, value);
    if (owner && !notChildren.has(owner)) return joinChild(deps, row, owner);
  }
  const candidates = (await weighCandidates(deps, row, notChildren)).filter((c) => !c.twin);
  const [best, second] = candidates;
  if (best && best.probability >= LINKAGE_THRESHOLDS.review && !(await ruledOut(deps, row, best.childId))) {
    const clear =
      best.probability >= LINKAGE_THRESHOLDS.link &&
      !(second && second.probability >= LINKAGE_THRESHOLDS.review);
    return clear ? joinChild(deps, row, best.childId) : queueForReview(deps, row, best);
  }
  const shielded = candidates.find((c) => c.shielded && c.probability >= LINKAGE_THRESHOLDS.shieldedReview);
  if (shielded && !(await ruledOut(deps, row, shielded.childId))) return queueForReview(deps, row, shielded);
  if (options.createWhenUnmatched === false) return 'queued-for-review';
  return create(deps, row, content);
}

/** How often a row is tried again when another row changed the same child, or claimed its identifier, first. */
const RACE_ATTEMPTS = 4;

/**
 * Links a batch of rows, a few at a time. A row that lost a race (another row of the batch changed the child, or
 * made the record that holds its identifier) is linked again from the start: it then finds what won.
 */
export async function linkFeedRecords(
  deps: FeedLinkageDependencies,
  records: FeedRecord[],
  concurrency = 8,
): Promise<LinkSummary> {
  const summary = emptySummary();
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const row = records[next++] as FeedRecord;
      for (let attempt = 1; ; attempt++) {
        try {
          addToSummary(summary, await linkFeedRecord(deps, row));
          break;
        } catch (error) {
          const raced = error instanceof PreconditionFailedError || error instanceof DuplicateIdentifierError;
          if (!raced || attempt >= RACE_ATTEMPTS) throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return summary;
}
