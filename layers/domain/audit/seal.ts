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

/** An object under the seal prefix that has been written more than once (a seal or its kept events replaced). */
export interface ReplacedObject {
  key: string;
  sequence: number;
  versions: number;
}

/**
 * Where seals are kept: write-once, one per sequence number, each with the full events it seals kept
 * beside it (`events/<sequence>`), also write-once. Sealing reads only the head; the verifier reads all.
 */
export interface SealStore {
  /**
   * The newest seal, in constant time: read from a head hint, then the next sequence numbers probed until
   * one is absent. The hint only says where to start; a stale or missing hint costs extra probes.
   */
  head(): Promise<Seal | undefined>;
  /** One seal, or undefined when there is none with this sequence. */
  get(sequence: number): Promise<Seal | undefined>;
  /** Every seal, oldest first: for the verifier, never for sealing. */
  all(): Promise<Seal[]>;
  /**
   * Keeps the full events to be sealed as `sequence`, write-once, before the seal is written. When a file
   * for that sequence already exists without its seal (a sealer stopped between the two writes), the
   * events kept there are returned: only those may be sealed under that number. Fails with
   * PreconditionFailedError when the seal itself already exists (another sealer won).
   */
  keepEvents(sequence: number, events: AuditEvent[]): Promise<AuditEvent[]>;
  /** Fails with PreconditionFailedError when a seal with this sequence already exists; then moves the head hint. */
  create(seal: Seal): Promise<void>;
  /** The full events kept with a seal, or undefined when they are missing. */
  keptEvents(sequence: number): Promise<AuditEvent[] | undefined>;
  /** Every object under the seal prefix with more than one version: each was replaced. */
  replacedObjects(): Promise<ReplacedObject[]>;
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

/** What a seal entry holds for an event: the hash of its canonical JSON. */
export function eventHash(hasher: Hasher, event: AuditEvent): string {
  return hasher.sha256(canonicalJson(event));
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
    entries: [...events].sort(sealOrder).map((e) => ({ eventId: e.eventId, hash: eventHash(hasher, e) })),
    sealedAt,
  };
  const hash = hasher.sha256(sealBody(body));
  return { ...body, hash, mac: await key.sign(hash) };
}

export type SealProblem =
  | { kind: 'event-edited'; eventId: string; sequence: number; contentKept: boolean }
  | { kind: 'event-deleted'; eventId: string; sequence: number; contentKept: boolean }
  | {
      kind: 'event-unsealed';
      eventId: string;
      /** Seconds since the event's time; undefined when it has none that can be read. */
      ageSeconds: number | undefined;
      lagSeconds: number;
      /** The stored item is not a readable audit event (a poison event the sealer had to leave out). */
      unreadable: boolean;
    }
  | {
      /** Dated more than the lag before the seal before its own was made: it must have been written later. */
      kind: 'event-backdated';
      eventId: string;
      sequence: number;
      secondsBeforePreviousSeal: number;
      lagSeconds: number;
    }
  | {
      /** Dated more than the lag after the moment it was sealed, or (unsealed) after now. */
      kind: 'event-future-dated';
      eventId: string;
      sequence: number | undefined;
    }
  | { kind: 'events-reordered'; eventId: string; sequence: number }
  | { kind: 'seal-tampered'; sequence: number; detail: string }
  | { kind: 'seal-replaced'; sequence: number; key: string; versions: number }
  | { kind: 'kept-events-missing'; sequence: number }
  | { kind: 'kept-event-mismatch'; sequence: number; eventId: string };

/** Everything the verifier reads, read in this order: seals, then the events as stored now. */
export interface TrailSnapshot {
  seals: Seal[];
  /** Every item of the audit table as stored now. */
  events: AuditEvent[];
  /** IDs of stored items that are not readable audit events. */
  unreadable: ReadonlySet<string>;
  /** The full events kept with each seal (undefined: missing). */
  kept: ReadonlyMap<number, AuditEvent[] | undefined>;
  replaced: ReplacedObject[];
}

export interface SealVerification {
  problems: SealProblem[];
  sealedEvents: number;
  /** Unsealed events younger than the lag: not yet sealed, not a problem. */
  pendingEvents: number;
  /** The sealed events as sealed (from the kept copies, or the table where a copy fails), for derived checks. */
  sealedContent: AuditEvent[];
}

/**
 * Checks the whole chain against the events as they are stored now and as kept with each seal. An
 * unsealed event younger than `lagSeconds` is pending; older, it is a failure (a batch skipped, a poison
 * event, or an event inserted afterwards): sealing must keep up within the lag.
 */
export async function verifySeals(
  trail: TrailSnapshot,
  options: { hasher: Hasher; key: MacKey; now: Date; lagSeconds: number },
): Promise<SealVerification> {
  const { hasher, key } = options;
  const problems: SealProblem[] = [];
  const byId = new Map(trail.events.map((e) => [e.eventId, e]));
  const sealed = new Set<string>();
  const sealedContent: AuditEvent[] = [];
  const ordered = [...trail.seals].sort((a, b) => a.sequence - b.sequence);
  for (const object of trail.replaced) {
    problems.push({
      kind: 'seal-replaced',
      sequence: object.sequence,
      key: object.key,
      versions: object.versions,
    });
  }
  let previousHash = GENESIS_HASH;
  const lagMs = options.lagSeconds * 1000;
  ordered.forEach((seal, i) => {
    const previous = i > 0 ? ordered[i - 1] : undefined;
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
    const keptEvents = trail.kept.get(seal.sequence);
    if (!keptEvents) problems.push({ kind: 'kept-events-missing', sequence: seal.sequence });
    const kept = new Map((keptEvents ?? []).map((e) => [e.eventId, e]));
    let lastKey = '';
    for (const entry of seal.entries) {
      sealed.add(entry.eventId);
      const copy = kept.get(entry.eventId);
      const copyHolds = copy !== undefined && eventHash(hasher, copy) === entry.hash;
      if (keptEvents && !copyHolds)
        problems.push({ kind: 'kept-event-mismatch', sequence: seal.sequence, eventId: entry.eventId });
      const event = byId.get(entry.eventId);
      const stored = event !== undefined && eventHash(hasher, event) === entry.hash;
      if (copyHolds) sealedContent.push(copy);
      else if (stored) sealedContent.push(event);
      if (!event) {
        problems.push({
          kind: 'event-deleted',
          eventId: entry.eventId,
          sequence: seal.sequence,
          contentKept: copyHolds,
        });
        continue;
      }
      if (!stored) {
        problems.push({
          kind: 'event-edited',
          eventId: entry.eventId,
          sequence: seal.sequence,
          contentKept: copyHolds,
        });
      }
      // When an event says it happened is checked against when the chain saw it: an event written with a
      // past time is sealed after seals made since that time (inserted, not late), and one dated after its
      // own seal was written with a future time. The lag allows for batches in flight.
      const at = Date.parse(event.at);
      const previousSealedAt = previous === undefined ? Number.NaN : Date.parse(previous.sealedAt);
      if (!Number.isNaN(at) && at < previousSealedAt - lagMs) {
        problems.push({
          kind: 'event-backdated',
          eventId: entry.eventId,
          sequence: seal.sequence,
          secondsBeforePreviousSeal: Math.round((previousSealedAt - at) / 1000),
          lagSeconds: options.lagSeconds,
        });
      }
      if (!Number.isNaN(at) && at > Date.parse(seal.sealedAt) + lagMs)
        problems.push({ kind: 'event-future-dated', eventId: entry.eventId, sequence: seal.sequence });
      const order = `${event.at}|${event.eventId}`;
      if (order < lastKey)
        problems.push({ kind: 'events-reordered', eventId: entry.eventId, sequence: seal.sequence });
      lastKey = order;
    }
  });
  for (const seal of ordered) {
    if (!(await key.verify(seal.hash, seal.mac))) {
      problems.push({ kind: 'seal-tampered', sequence: seal.sequence, detail: 'its MAC does not verify' });
    }
  }
  let pendingEvents = 0;
  for (const event of trail.events) {
    if (sealed.has(event.eventId)) continue;
    const unreadable = trail.unreadable.has(event.eventId);
    const at = typeof event.at === 'string' ? Date.parse(event.at) : Number.NaN;
    const ageSeconds = Number.isNaN(at) ? undefined : Math.floor((options.now.getTime() - at) / 1000);
    if (ageSeconds !== undefined && ageSeconds < -options.lagSeconds) {
      problems.push({ kind: 'event-future-dated', eventId: event.eventId, sequence: undefined });
      continue;
    }
    if (ageSeconds !== undefined && ageSeconds <= options.lagSeconds) {
      pendingEvents++;
      continue;
    }
    problems.push({
      kind: 'event-unsealed',
      eventId: event.eventId,
      ageSeconds,
      lagSeconds: options.lagSeconds,
      unreadable,
    });
  }
  return { problems, sealedEvents: sealed.size, pendingEvents, sealedContent };
}
