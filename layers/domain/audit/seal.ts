import type { AuditEvent } from './event.ts';

/**
 * R6 tamper evidence. Audit events are sealed in batches: each seal lists its events in order with a
 * hash of each, carries the hash of the previous seal (a chain), and is authenticated with an HMAC
 * whose key never leaves KMS (locally, a keyring file). Editing, deleting, inserting or reordering an
 * event — or a seal — breaks a hash, the chain or the MAC, and verification names what broke.
 */
export interface SealEntry {
  eventId: string;
  hash: string;
}

export interface Seal {
  sequence: number;
  previousHash: string;
  entries: SealEntry[];
  sealedAt: string;
  /** Hash of everything above; what the MAC authenticates and what the next seal chains to. */
  hash: string;
  mac: string;
}

export interface Hasher {
  /** Hex SHA-256 of a UTF-8 string. */
  sha256(text: string): string;
}

export interface MacKey {
  sign(message: string): Promise<string>;
  verify(message: string, mac: string): Promise<boolean>;
}

/** Where seals are kept: write-once, one per sequence number. */
export interface SealStore {
  latest(): Promise<Seal | undefined>;
  all(): Promise<Seal[]>;
  /** Fails with PreconditionFailedError when a seal with this sequence already exists (another sealer won). */
  create(seal: Seal): Promise<void>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Events in the order they are sealed: by time, then by ID. */
export function sealOrder(a: AuditEvent, b: AuditEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

function sealBody(seal: Omit<Seal, 'hash' | 'mac'>): string {
  return canonicalJson({
    sequence: seal.sequence,
    previousHash: seal.previousHash,
    entries: seal.entries,
    sealedAt: seal.sealedAt,
  });
}

/** The next seal in the chain for these events. */
export async function sealEvents(
  previous: Seal | undefined,
  events: AuditEvent[],
  sealedAt: string,
  hasher: Hasher,
  key: MacKey,
): Promise<Seal> {
  const body = {
    sequence: (previous?.sequence ?? 0) + 1,
    previousHash: previous?.hash ?? GENESIS_HASH,
    entries: [...events]
      .sort(sealOrder)
      .map((e) => ({ eventId: e.eventId, hash: hasher.sha256(canonicalJson(e)) })),
    sealedAt,
  };
  const hash = hasher.sha256(sealBody(body));
  return { ...body, hash, mac: await key.sign(hash) };
}

export type SealProblem =
  | { kind: 'event-edited'; eventId: string; sequence: number }
  | { kind: 'event-deleted'; eventId: string; sequence: number }
  | { kind: 'event-inserted'; eventId: string }
  | { kind: 'events-reordered'; eventId: string; sequence: number }
  | { kind: 'seal-tampered'; sequence: number; detail: string };

/**
 * Checks the whole chain against the events as they are stored now. Events newer than the last seal
 * are not yet sealed (`pending`), not a problem; an unsealed event older than the last seal was inserted.
 */
export async function verifySeals(
  seals: Seal[],
  events: AuditEvent[],
  hasher: Hasher,
  key: MacKey,
): Promise<{ problems: SealProblem[]; sealedEvents: number; pendingEvents: number }> {
  const problems: SealProblem[] = [];
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const sealed = new Set<string>();
  const ordered = [...seals].sort((a, b) => a.sequence - b.sequence);
  let previousHash = GENESIS_HASH;
  let lastSealedAt = '';
  ordered.forEach((seal, i) => {
    if (seal.sequence !== i + 1)
      problems.push({ kind: 'seal-tampered', sequence: seal.sequence, detail: `expected seal ${i + 1}` });
    if (seal.previousHash !== previousHash) {
      problems.push({
        kind: 'seal-tampered',
        sequence: seal.sequence,
        detail: 'does not chain to the seal before it',
      });
    }
    if (hasher.sha256(sealBody(seal)) !== seal.hash) {
      problems.push({
        kind: 'seal-tampered',
        sequence: seal.sequence,
        detail: 'its contents do not match its hash',
      });
    }
    previousHash = seal.hash;
    let lastKey = '';
    for (const entry of seal.entries) {
      sealed.add(entry.eventId);
      const event = byId.get(entry.eventId);
      if (!event) {
        problems.push({ kind: 'event-deleted', eventId: entry.eventId, sequence: seal.sequence });
        continue;
      }
      if (hasher.sha256(canonicalJson(event)) !== entry.hash) {
        problems.push({ kind: 'event-edited', eventId: entry.eventId, sequence: seal.sequence });
      }
      const key = `${event.at}|${event.eventId}`;
      if (key < lastKey)
        problems.push({ kind: 'events-reordered', eventId: entry.eventId, sequence: seal.sequence });
      lastKey = key;
      if (event.at > lastSealedAt) lastSealedAt = event.at;
    }
  });
  for (const seal of ordered) {
    if (!(await key.verify(seal.hash, seal.mac))) {
      problems.push({ kind: 'seal-tampered', sequence: seal.sequence, detail: 'its MAC does not verify' });
    }
  }
  let pendingEvents = 0;
  for (const event of events) {
    if (sealed.has(event.eventId)) continue;
    if (event.at <= lastSealedAt) problems.push({ kind: 'event-inserted', eventId: event.eventId });
    else pendingEvents++;
  }
  return { problems, sealedEvents: sealed.size, pendingEvents };
}
