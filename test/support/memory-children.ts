import { BlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { CaseloadStatus } from '#domain/involvement/caseload.ts';
import { type Involvement, isActive } from '#domain/involvement/schema.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import type { AuditSink, ChildRepository, Environment, InvolvementRepository } from '#domain/ports.ts';
import { type MatchProfile, profileOf } from '#domain/search/profile.ts';

const MEMORY_HASHER = new BlockingKeyHasher({
  current: 'k1',
  k1: 'memory-children-blocking-key-secret-for-tests',
});

/** Children held in memory under exactly the keys the DynamoDB repository writes (for domain tests). */
export class MemoryChildren implements ChildRepository {
  private readonly records = new Map<string, ChildRecord>();

  /** `audit`, when given, receives the events the DynamoDB repository writes in each change's transaction. */
  constructor(
    records: ChildRecord[] = [],
    private readonly audit?: AuditSink,
  ) {
    for (const record of records) this.records.set(record.childId, record);
  }

  async get(childId: string): Promise<ChildRecord | undefined> {
    return this.records.get(childId);
  }

  /** Keys are stored and looked up as their keyed hashes, exactly as the DynamoDB repository does. */
  async findByKeys(keys: string[]): Promise<Map<string, MatchProfile[]>> {
    this.index ??= this.indexByHashedKey();
    const found = new Map<string, MatchProfile[]>();
    for (const key of keys) {
      const profiles = MEMORY_HASHER.keysToRead(key).flatMap((hashed) => this.index?.get(hashed) ?? []);
      if (profiles.length > 0) found.set(key, profiles);
    }
    return found;
  }

  private index: Map<string, MatchProfile[]> | undefined;

  private indexByHashedKey(): Map<string, MatchProfile[]> {
    const index = new Map<string, MatchProfile[]>();
    for (const record of this.records.values()) {
      for (const material of blockingKeysOf(record)) {
        const hashed = MEMORY_HASHER.keyOf(material);
        index.set(hashed, [...(index.get(hashed) ?? []), profileOf(record)]);
      }
    }
    return index;
  }

  async create(record: ChildRecord, audit?: AuditEvent): Promise<void> {
    this.records.set(record.childId, record);
    this.index = undefined;
    if (audit) await this.audit?.record(audit);
  }

  async replace(_previous: ChildRecord, next: ChildRecord, audit?: AuditEvent): Promise<void> {
    this.records.set(next.childId, next);
    this.index = undefined;
    if (audit) await this.audit?.record(audit);
  }
}

/** An audit sink that keeps what it is given. */
export class MemoryAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

/** A fixed clock and counting identifiers, so two runs of the same steps produce the same answers. */
export function fixedEnvironment(now = '2026-11-22T10:00:00.000Z'): Environment {
  let n = 0;
  return {
    now: () => new Date(now),
    newChildId: () => `CP${String(++n).padStart(9, '0')}`,
    newId: (prefix) => `${prefix}-${++n}`,
  };
}

/** Involvements held in memory; a create or update clears the lead on `clearLeadOn` as the adapter does. */
export class MemoryInvolvements implements InvolvementRepository {
  readonly items: Involvement[] = [];

  constructor(items: Involvement[] = []) {
    this.items.push(...items);
  }

  async listForChild(childId: string): Promise<Involvement[]> {
    return this.items.filter((i) => i.childId === childId);
  }

  /** Newest recorded first, `status` as isActive judges; the cursor is how many of the list came before. */
  async listRecordedBy(
    recordedBy: string,
    query: { status: CaseloadStatus; today: string; limit: number; cursor?: string | undefined },
  ): Promise<{ involvements: Involvement[]; next?: string | undefined }> {
    const list = this.items
      .filter((i) => i.recordedBy === recordedBy && isActive(i, query.today) === (query.status === 'active'))
      .sort((a, b) => `${b.createdAt}#${b.involvementId}`.localeCompare(`${a.createdAt}#${a.involvementId}`));
    const from = query.cursor === undefined ? 0 : Number(query.cursor);
    const to = from + query.limit;
    return { involvements: list.slice(from, to), ...(to < list.length && { next: String(to) }) };
  }

  async get(childId: string, involvementId: string): Promise<Involvement | undefined> {
    return this.items.find((i) => i.childId === childId && i.involvementId === involvementId);
  }

  async create(involvement: Involvement, _audit: AuditEvent, clearLeadOn: Involvement[] = []): Promise<void> {
    this.clearLead(clearLeadOn);
    this.items.push(involvement);
  }

  async update(
    next: Involvement,
    _expectedVersion: number,
    _audit: AuditEvent,
    clearLeadOn: Involvement[] = [],
  ): Promise<void> {
    this.clearLead(clearLeadOn);
    const at = this.items.findIndex((i) => i.involvementId === next.involvementId);
    this.items[at] = next;
  }

  private clearLead(on: Involvement[]): void {
    for (const cleared of on) {
      const at = this.items.findIndex((i) => i.involvementId === cleared.involvementId);
      const held = this.items[at];
      if (held) this.items[at] = { ...held, leadProfessional: false };
    }
  }
}
