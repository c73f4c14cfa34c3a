import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { AuditSink, ChildRepository, Environment } from '#domain/ports.ts';
import { blockingKeysOf, type MatchProfile, profileOf } from '#domain/search/profile.ts';

/** Children held in memory under exactly the keys the DynamoDB repository writes (for domain tests). */
export class MemoryChildren implements ChildRepository {
  private readonly records = new Map<string, ChildRecord>();

  constructor(records: ChildRecord[] = []) {
    for (const record of records) this.records.set(record.childId, record);
  }

  async get(childId: string): Promise<ChildRecord | undefined> {
    return this.records.get(childId);
  }

  async findByKeys(keys: string[]): Promise<Map<string, MatchProfile[]>> {
    const found = new Map<string, MatchProfile[]>();
    for (const key of keys) {
      const profiles = [...this.records.values()]
        .filter((r) => blockingKeysOf(r).includes(key))
        .map(profileOf);
      if (profiles.length > 0) found.set(key, profiles);
    }
    return found;
  }

  async create(record: ChildRecord): Promise<void> {
    this.records.set(record.childId, record);
  }

  async replace(_previous: ChildRecord, next: ChildRecord): Promise<void> {
    this.records.set(next.childId, next);
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
