import { createHash } from 'node:crypto';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { DuplicateIdentifierError, PreconditionFailedError } from '#domain/errors.ts';
import type { SourceRow } from '#domain/feeds/best-view.ts';
import type { FeedName } from '#domain/feeds/feed.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import type {
  AuditSink,
  AuthorityLookup,
  ChildRepository,
  DepartedChild,
  Departures,
  FeedLinkageStore,
  IdentityClaim,
  ReviewQueue,
  SourceState,
} from '#domain/ports.ts';

const digest = (material: string) => createHash('sha256').update(material).digest('base64url').slice(0, 22);
const sourceKey = (feed: FeedName, sourceId: string) => `${feed}#${sourceId}`;

/** The opaque reference of a held row, as the DynamoDB store makes it: the feed and a hash, never the source's ID. */
export const sourceRefOf = (feed: FeedName, sourceId: string) =>
  `${feed}.${digest(sourceKey(feed, sourceId))}`;

/**
 * FeedLinkageStore in memory, with the port's semantics: a row's link and content, "not this child" decisions,
 * rows held per child (each with its sourceRef), and identifier claims read from the records it knows.
 */
export class MemoryFeedLinkage implements FeedLinkageStore {
  readonly links = new Map<string, { childId: string; content: string }>();
  readonly nots = new Map<string, Set<string>>();
  readonly pending = new Map<string, string>();
  readonly identities = new Map<string, string>();
  private readonly held = new Map<string, Map<string, SourceRow>>();
  private readonly known = new Set<string>();

  constructor(
    private readonly children: ChildRepository,
    knownChildIds: string[] = [],
  ) {
    for (const id of knownChildIds) this.known.add(id);
  }

  /** Holds a row on a child as if an earlier load had linked it. */
  hold(childId: string, row: SourceRow, content = ''): void {
    this.known.add(childId);
    this.store(childId, row, content);
  }

  private store(childId: string, row: SourceRow, content: string): void {
    const key = sourceKey(row.feed, row.sourceId);
    const previous = this.links.get(key);
    if (previous && previous.childId !== childId) this.held.get(previous.childId)?.delete(key);
    const { sourceRef: _ref, ...plain } = row;
    const rows = this.held.get(childId) ?? new Map<string, SourceRow>();
    rows.set(key, plain);
    this.held.set(childId, rows);
    this.links.set(key, { childId, content });
    this.pending.delete(key);
  }

  async sourceState(feed: FeedName, sourceId: string, content: string): Promise<SourceState> {
    const key = sourceKey(feed, sourceId);
    const link = this.links.get(key);
    return {
      ...(link && { link: { childId: link.childId, unchanged: link.content === content } }),
      notChildren: [...(this.nots.get(key) ?? [])],
      ...(this.pending.has(key) && { pending: { unchanged: this.pending.get(key) === content } }),
      ...(this.departedRows.has(key) && { departed: true }),
    };
  }

  /** R7 tombstones, as the retention job leaves them: rows, identifiers (`kind#value`) and identities. */
  readonly departedRows = new Set<string>();
  readonly departedIdentifiers = new Set<string>();
  readonly departedIdentities = new Map<string, DepartedChild>();

  async departures(
    identifiers: { kind: 'nhsNumber' | 'upn'; value: string }[],
    identity: string | undefined,
  ): Promise<Departures> {
    return {
      byIdentifier: identifiers.some(({ kind, value }) => this.departedIdentifiers.has(`${kind}#${value}`)),
      byIdentity: identity ? this.departedIdentities.get(identity) : undefined,
    };
  }

  async rememberDeparted(feed: FeedName, sourceId: string, _departedChildId: string): Promise<void> {
    this.departedRows.add(sourceKey(feed, sourceId));
    this.pending.delete(sourceKey(feed, sourceId));
  }

  async ownerOf(kind: 'nhsNumber' | 'upn', value: string): Promise<string | undefined> {
    for (const id of this.known) {
      const record = await this.children.get(id);
      if (record?.[kind] === value) return id;
    }
    return undefined;
  }

  async sourcesOf(childId: string): Promise<SourceRow[]> {
    return [...(this.held.get(childId)?.values() ?? [])].map((row) => ({
      ...row,
      sourceRef: sourceRefOf(row.feed, row.sourceId),
    }));
  }

  async identityOwner(identity: string): Promise<string | undefined> {
    return this.identities.get(identity);
  }

  private async claimsFree(record: ChildRecord): Promise<void> {
    for (const kind of ['nhsNumber', 'upn'] as const) {
      const value = record[kind];
      const owner = value ? await this.ownerOf(kind, value) : undefined;
      if (owner && owner !== record.childId) throw new DuplicateIdentifierError(owner);
    }
  }

  async createFromSource(
    record: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
    identity?: IdentityClaim,
  ): Promise<void> {
    if (this.links.has(sourceKey(row.feed, row.sourceId))) throw new PreconditionFailedError();
    // Checked and claimed at once, as the DynamoDB transaction does; given back if the creation fails.
    if (identity && identity.owner === undefined && this.identities.has(identity.identity)) {
      throw new PreconditionFailedError();
    }
    const claiming = identity && identity.owner === undefined ? identity.identity : undefined;
    if (claiming) this.identities.set(claiming, record.childId);
    try {
      await this.claimsFree(record);
      await this.children.create(record, audit);
    } catch (error) {
      if (claiming) this.identities.delete(claiming);
      throw error;
    }
    this.known.add(record.childId);
    this.store(record.childId, row, content);
  }

  async updateFromSource(
    previous: ChildRecord,
    next: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
  ): Promise<void> {
    await this.claimsFree(next);
    await this.children.replace(previous, next, audit);
    this.known.add(next.childId);
    this.store(next.childId, row, content);
  }

  async detachSource(
    previous: ChildRecord,
    next: ChildRecord,
    row: SourceRow,
    audit: AuditEvent,
  ): Promise<void> {
    const key = sourceKey(row.feed, row.sourceId);
    await this.children.replace(previous, next, audit);
    this.held.get(next.childId)?.delete(key);
    if (this.links.get(key)?.childId === next.childId) this.links.delete(key);
    await this.rememberNot(row.feed, row.sourceId, next.childId);
  }

  async rememberNot(feed: FeedName, sourceId: string, childId: string): Promise<void> {
    const key = sourceKey(feed, sourceId);
    this.nots.set(key, new Set([...(this.nots.get(key) ?? []), childId]));
    this.pending.delete(key);
  }

  async markPending(feed: FeedName, sourceId: string, content: string): Promise<void> {
    this.pending.set(sourceKey(feed, sourceId), content);
  }
}

/** The review queue in memory: opaque IDs as the DynamoDB queue makes them, open items oldest first. */
export class MemoryReviewQueue implements ReviewQueue {
  readonly items = new Map<string, ReviewItem>();

  constructor(private readonly audit?: AuditSink) {}

  static idOf(item: Pick<ReviewItem, 'row' | 'candidateChildId'>): string {
    return `RV-${digest(`review#${item.row.feed}#${item.row.sourceId}#${item.candidateChildId}`)}`;
  }

  async queue(item: ReviewItem): Promise<boolean> {
    const stored = { ...item, reviewId: MemoryReviewQueue.idOf(item) };
    const key = `${stored.queue}|${stored.reviewId}`;
    if (this.items.has(key)) return false;
    this.items.set(key, stored);
    return true;
  }

  async get(queue: string, reviewId: string): Promise<ReviewItem | undefined> {
    return this.items.get(`${queue}|${reviewId}`);
  }

  async listOpen(
    queue: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: ReviewItem[]; next?: string | undefined }> {
    const open = [...this.items.values()]
      .filter((i) => i.queue === queue && i.status === 'open')
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.reviewId.localeCompare(b.reviewId));
    const from = query.cursor ? Number(query.cursor) : 0;
    const items = open.slice(from, from + query.limit);
    return { items, ...(from + query.limit < open.length && { next: String(from + query.limit) }) };
  }

  async decide(item: ReviewItem, audit: AuditEvent): Promise<void> {
    const key = `${item.queue}|${item.reviewId}`;
    if (this.items.get(key)?.status !== 'open') throw new PreconditionFailedError();
    this.items.set(key, item);
    await this.audit?.record(audit);
  }
}

/** Every postcode is in Leeds. */
export const leedsForEveryPostcode: AuthorityLookup = {
  forPostcode: () => ({ localAuthority: 'E08000035', localAuthorityName: 'Leeds City Council' }),
};
