import { type AuditEvent, auditEventFor, type RequestFacts } from '../audit/event.ts';
import type { ChildRecord } from '../child/record.ts';
import { DuplicateIdentifierError, PreconditionFailedError } from '../errors.ts';
import { bestViewOf, type SourceRow } from '../feeds/best-view.ts';
import type { FeedRecord } from '../feeds/feed.ts';
import {
  comparableOf,
  identityOf,
  isAnotherChildOfTheHousehold,
  LINKAGE_THRESHOLDS,
  linkageKeysOf,
  needsAPerson,
  REGISTERS_ONCE,
} from '../feeds/linkage.ts';
import type { ReviewItem } from '../feeds/review.ts';
import { isShieldedScopeKey } from '../matching/blocking.ts';
import { describesTheChild } from '../matching/engine.ts';
import { explainMatch } from '../matching/explain.ts';
import type { MatchingModel } from '../matching/model.ts';
import { compareRecords } from '../matching/vector.ts';
import { weigh } from '../matching/weigh.ts';
import type {
  AuthorityLookup,
  DepartedChild,
  Dependencies,
  FeedLinkageStore,
  IdentityClaim,
  ReviewQueue,
} from '../ports.ts';
import { isDueToLeave } from '../retention/rule.ts';
import { profileOf } from '../search/profile.ts';

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

/**
 * Who made a change the linker writes when a person, not a load, caused it (a review decision, a split): the
 * audit event names them and their request (R6), not the feed.
 */
export interface ChangedBy {
  actor: Parameters<typeof auditEventFor>[1];
  facts: RequestFacts;
}

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
  by: ChangedBy | undefined,
): AuditEvent {
  return auditEventFor(deps.env, by?.actor ?? actorOf(row), by?.facts ?? FEED_FACTS, {
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

/** A child as the linker weighs it: its record and every source row held for it. */
export interface LoadedChild {
  record: ChildRecord;
  sources: SourceRow[];
}

async function loadChild(deps: FeedLinkageDependencies, childId: string): Promise<LoadedChild> {
  const [record, sources] = await Promise.all([deps.children.get(childId), deps.feeds.sourcesOf(childId)]);
  // Gone since blocking found it: the row is linked again from the start.
  if (!record) throw new PreconditionFailedError();
  return { record, sources };
}

/** A row joins a child, whose record becomes the best view of everything held for it; an older extract of a row it holds changes nothing. */
export async function joinChild(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  childId: string,
  outcome: 'updated' | 'linked' = 'linked',
  loaded?: LoadedChild,
  by?: ChangedBy,
): Promise<LinkOutcome> {
  const { record: previous, sources } = loaded ?? (await loadChild(deps, childId));
  const isThisRow = (s: SourceRow) => s.feed === row.feed && s.sourceId === row.sourceId;
  // An older extract of a row never replaces a later one held (a file loaded out of order, a pair decided after a
  // later extract of its row was linked): the child keeps what the source said last (R8).
  if (sources.some((s) => isThisRow(s) && s.extractDate > row.extractDate)) return 'unchanged';
  const held = sources.filter((s) => !isThisRow(s));
  const next = withBestView(previous, [...held, sourceRowOf(row)], deps.env.now().toISOString());
  await deps.feeds.updateFromSource(
    previous,
    next,
    sourceRowOf(row),
    contentOf(row),
    auditOf(deps, row, childId, 'update-child', `${row.feed} row ${outcome}`, by),
  );
  return outcome;
}

async function create(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  content: string,
  identity: IdentityClaim | undefined,
  notChildren: ReadonlySet<string>,
  by: ChangedBy | undefined,
): Promise<LinkOutcome> {
  const view = bestViewOf(undefined, [sourceRowOf(row)]);
  // R7: a row from an extract made on or after the young person's leaving day (their 18th birthday; their record
  // archived, or never made) makes no record: it would be found by searches until the next retention run
  // archived it again. Judged on the extract's date, so a load gives the same answer whenever it runs.
  if (isDueToLeave({ dateOfBirth: view.fields.dateOfBirth }, row.extractDate)) return 'unchanged';
  // R7: nor does a row of a child whose record has left — archived a year after a death, or at 18 before this
  // (earlier) extract was loaded. By an identifier it held, it is surely that child: no record. By its names and
  // date of birth alone it may be another child: a person decides, as for any child in doubt.
  const departed = await deps.feeds.departures(identifiersOfRow(row), identity?.identity);
  if (departed.byIdentifier) return 'unchanged';
  if (departed.byIdentity && !notChildren.has(departed.byIdentity.childId))
    return queueDeparted(deps, row, content, departed.byIdentity);
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
    auditOf(deps, row, record.childId, 'create-child', `${row.feed} row created`, by),
    identity,
  );
  return 'created';
}

const identifiersOfRow = (row: FeedRecord) =>
  (['nhsNumber', 'upn'] as const).flatMap((kind) => {
    const value = row.fields[kind];
    return value ? [{ kind, value }] : [];
  });

/**
 * R7: a row with the names and date of birth of a child whose record has left goes before the team that answered
 * for that child, the candidate shown as no longer on ContactPoint: "same child" closes it (the row makes no
 * record), "different children" makes the row's own record.
 */
async function queueDeparted(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  content: string,
  departed: DepartedChild,
): Promise<LinkOutcome> {
  await deps.reviews.queue({
    reviewId: `${row.feed}.${row.sourceId}.${departed.childId}`,
    queue: departed.queue,
    status: 'open',
    candidateChildId: departed.childId,
    candidateShielded: departed.shielded,
    row,
    probability: 1,
    why: [
      'A child with the same names and date of birth has left ContactPoint (R7: archived). Same child: the row makes no record. Different children: the row makes its own.',
    ],
    raisedAt: deps.env.now().toISOString(),
  });
  await deps.feeds.markPending(row.feed, row.sourceId, content);
  return 'queued-for-review';
}

interface Weighed {
  childId: string;
  shielded: boolean;
  probability: number;
  /** Log2 odds: unlike a probability it still tells two near-certain candidates apart. */
  matchWeight: number;
  ruledOutByFields: boolean;
  /** A pair for a person whatever its probability (`needsAPerson`). */
  inDoubt: boolean;
  /** The engine's reasons in words: worked out only for a pair put to a person, not for every candidate. */
  why: () => string[];
}

/**
 * The children a row may describe, each with its probability; those its fields rule out are marked. They are the
 * children its linkage keys find, and the child that claimed its identity (made by another row a moment ago,
 * perhaps not yet in the blocking index); with the identity's claim as read, for a record the row may make.
 */
async function weighCandidates(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  notChildren: ReadonlySet<string>,
): Promise<{ weighed: Weighed[]; identity: IdentityClaim | undefined }> {
  const query = comparableOf(row.fields);
  const identity = identityOf(row.fields);
  const [found, owner] = await Promise.all([
    deps.children.findByKeys(linkageKeysOf(row.fields)),
    identity ? deps.feeds.identityOwner(identity) : undefined,
  ]);
  const byId = new Map<string, Weighed>();
  const met = [...found].flatMap(([key, profiles]) =>
    profiles.map((profile) => ({ profile, shielded: isShieldedScopeKey(key) })),
  );
  // Read only when the index has not shown it yet (a record made a moment ago, or keyed apart since).
  const unseen = owner && !notChildren.has(owner) && !met.some(({ profile }) => profile.childId === owner);
  const claimed = unseen ? await deps.children.get(owner) : undefined;
  if (claimed) met.push({ profile: profileOf(claimed), shielded: claimed.shield !== undefined });
  for (const { profile, shielded } of met) {
    if (notChildren.has(profile.childId) || byId.has(profile.childId)) continue;
    const vector = compareRecords(query, profile);
    const { probability, evidence, matchWeight } = weigh(deps.matching, vector, deps.matching.searchPrior);
    byId.set(profile.childId, {
      childId: profile.childId,
      shielded,
      probability,
      matchWeight,
      // A household shares a family name and an address: a row whose given name is another describes a twin,
      // brother or sister, not this child; so does one whose given name and date of birth both disagree.
      ruledOutByFields: isAnotherChildOfTheHousehold(vector) || !describesTheChild(vector),
      inDoubt: needsAPerson(vector),
      why: () => explainMatch(vector, evidence, query, profile, EXPLAINED),
    });
  }
  // By match weight, not probability: two near-certain candidates both round to 1, their weights still differ.
  const weighed = [...byId.values()].sort(
    (a, b) => b.matchWeight - a.matchWeight || a.childId.localeCompare(b.childId),
  );
  return { weighed, identity: identity ? { identity, owner } : undefined };
}
const EXPLAINED = new Set(['names', 'dateOfBirth', 'gender', 'postcode'] as const);

/**
 * The child, unless it holds something that rules the row out: another NHS number or UPN, or another
 * registration from the same source (a source that registers a child once).
 */
async function unlessRuledOut(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  childId: string,
): Promise<LoadedChild | undefined> {
  const loaded = await loadChild(deps, childId);
  const { record, sources } = loaded;
  if (row.fields.nhsNumber && record.nhsNumber && row.fields.nhsNumber !== record.nhsNumber) return undefined;
  if (row.fields.upn && record.upn && row.fields.upn !== record.upn) return undefined;
  const registered = sources.some((s) => s.feed === row.feed && s.sourceId !== row.sourceId);
  return REGISTERS_ONCE.has(row.feed) && registered ? undefined : loaded;
}

async function queueForReview(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  candidate: Weighed,
  { record }: LoadedChild,
): Promise<LinkOutcome> {
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
    why: candidate.why(),
    raisedAt: deps.env.now().toISOString(),
  };
  await deps.reviews.queue(item);
  await deps.feeds.markPending(row.feed, row.sourceId, contentOf(row));
  return 'queued-for-review';
}

/** The likeliest shielded child the row may be, however unlikely (R3). */
const shieldedCandidate = (candidates: Weighed[]) =>
  candidates.find((c) => c.shielded && c.probability >= LINKAGE_THRESHOLDS.shieldedReview);

/**
 * Links one valid feed row (R8):
 *  1. a row seen before goes to the child it was linked to — unchanged content changes nothing;
 *  2. a valid NHS number or UPN that a record holds links to that record, shielded or not;
 *  3. otherwise the matching engine weighs the children blocking finds: at or above the link threshold the row
 *     joins the most probable child, between the thresholds a data manager decides, below it a new child is
 *     made. Twins are never joined; a child with another identifier or another registration of the same source
 *     is never joined automatically; a shielded candidate goes to its shielding team rather than let a second,
 *     unshielded record be made (R3), and a pair in doubt goes to a shielded candidate's team before any other
 *     council's, so no other team sees a row that may be the shielded child's.
 * A data manager's "different children" is remembered and respected by every later load.
 */
export async function linkFeedRecord(
  deps: FeedLinkageDependencies,
  row: FeedRecord,
  by?: ChangedBy,
): Promise<LinkOutcome> {
  const content = contentOf(row);
  const state = await deps.feeds.sourceState(row.feed, row.sourceId, content);
  if (state.link) {
    if (state.link.unchanged) return 'unchanged';
    return joinChild(deps, row, state.link.childId, 'updated', undefined, by);
  }
  // R7: the row's child has left (its record archived): the row makes no record again.
  if (state.departed) return 'unchanged';
  // Awaiting a data manager: the same row again changes nothing; a new extract of it is weighed afresh.
  if (state.pending?.unchanged) return 'queued-for-review';
  const notChildren = new Set(state.notChildren);
  for (const kind of ['nhsNumber', 'upn'] as const) {
    const value = row.fields[kind];
    if (!value) continue;
    const owner = await deps.feeds.ownerOf(kind, value);
    if (owner && !notChildren.has(owner)) return joinChild(deps, row, owner, 'linked', undefined, by);
    // A team said the row is not the child that holds its identifier: it can join no child and make none of its
    // own (an identifier is one child's) until the record is corrected. It waits, rather than fail the load.
    if (owner) {
      await deps.feeds.markPending(row.feed, row.sourceId, content);
      return 'queued-for-review';
    }
  }
  const { weighed, identity } = await weighCandidates(deps, row, notChildren);
  const candidates = weighed.filter((c) => !c.ruledOutByFields);
  const [best, second] = candidates;
  const likely = best && best.probability >= LINKAGE_THRESHOLDS.review ? best : undefined;
  const loaded = likely && (await unlessRuledOut(deps, row, likely.childId));
  if (likely && loaded) {
    // A person decides a pair in doubt within a household, and two likely children unless one is far the likelier.
    // R3: an open child is never joined past a shielded child who is likely too, however far the open one leads — a
    // shielded record shows no address to weigh, so an unshielded copy of it, once made, would outscore it forever.
    const shieldedAlsoLikely =
      !likely.shielded && candidates.some((c) => c.shielded && c.probability >= LINKAGE_THRESHOLDS.link);
    const clear =
      likely.probability >= LINKAGE_THRESHOLDS.link &&
      !likely.inDoubt &&
      !shieldedAlsoLikely &&
      !(
        second &&
        second.probability >= LINKAGE_THRESHOLDS.link &&
        likely.matchWeight - second.matchWeight < LINKAGE_THRESHOLDS.clearLeadBits
      );
    if (clear) return joinChild(deps, row, likely.childId, 'linked', loaded, by);
    // R3: a row a shielded child may be is for its shielding team's eyes first, even when an open child is likelier:
    // the row may carry the shielded child's whereabouts, and another council's team must not see them.
    const rival = likely.shielded ? undefined : shieldedCandidate(candidates);
    const rivalChild = rival && (await unlessRuledOut(deps, row, rival.childId));
    return rival && rivalChild
      ? queueForReview(deps, row, rival, rivalChild)
      : queueForReview(deps, row, likely, loaded);
  }
  // R3: before a new record is made, any shielded child the row may describe — even one its fields, identifiers or
  // registrations would rule out — is put to the shielding team, never guessed past.
  const shielded = shieldedCandidate(weighed);
  if (shielded) return queueForReview(deps, row, shielded, await loadChild(deps, shielded.childId));
  return create(deps, row, content, identity, notChildren, by);
}

/** How often a row is tried again when another row changed the same child, or claimed its identifier, first. */
const RACE_ATTEMPTS = 4;

/**
 * Keys two rows of one child nearly always share and two children seldom do: the sounds of both names, and a
 * name's sound with the postcode. Not the date of birth alone, which a national extract shares by thousands.
 */
const sameChildKeysOf = (row: FeedRecord) =>
  linkageKeysOf(row.fields).filter((key) => key.startsWith('N#') || key.startsWith('P#'));

/**
 * Links a batch of rows, a few at a time. Rows that may be one child (they share a name key) are never linked at
 * the same time: both would find no record and each make one, a duplicate no later load could undo. A row that
 * lost a race all the same (another row changed the child, or made the record that holds its identifier) is
 * linked again from the start: it then finds what won.
 */
export async function linkFeedRecords(
  deps: FeedLinkageDependencies,
  records: FeedRecord[],
  concurrency = 8,
): Promise<LinkSummary> {
  const summary = emptySummary();
  const waiting = records.map((row) => ({ row, keys: sameChildKeysOf(row) }));
  const busy = new Set<string>();
  let sleepers: (() => void)[] = [];
  /** The first waiting row that shares no key with a row being linked; it takes its keys. */
  const takeNext = () => {
    const index = waiting.findIndex(({ keys }) => !keys.some((key) => busy.has(key)));
    if (index < 0) return undefined;
    const [taken] = waiting.splice(index, 1) as [(typeof waiting)[number]];
    for (const key of taken.keys) busy.add(key);
    return taken;
  };
  const worker = async () => {
    while (waiting.length > 0) {
      const taken = takeNext();
      if (!taken) {
        // Every waiting row shares a key with a row in hand: wait until one is done.
        await new Promise<void>((wake) => sleepers.push(wake));
        continue;
      }
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            addToSummary(summary, await linkFeedRecord(deps, taken.row));
            break;
          } catch (error) {
            const raced =
              error instanceof PreconditionFailedError || error instanceof DuplicateIdentifierError;
            if (!raced || attempt >= RACE_ATTEMPTS) throw error;
          }
        }
      } finally {
        for (const key of taken.keys) busy.delete(key);
        const woken = sleepers;
        sleepers = [];
        for (const wake of woken) wake();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return summary;
}
