import type { AuditEvent } from '../audit/event.ts';
import {
  eventHash,
  type Hasher,
  type MacKey,
  type Seal,
  type SealStore,
  sealEvents,
  sealOrder,
} from '../audit/seal.ts';
import { PreconditionFailedError } from '../errors.ts';

export interface SealDeps {
  seals: SealStore;
  hasher: Hasher;
  key: MacKey;
  now(): Date;
}

const ATTEMPTS = 5;

export class KeptEventsConflictError extends Error {
  override readonly name = 'KeptEventsConflictError';
}

/**
 * The events not already sealed. A batch is sealed at the tail of the chain, so only the head seal and,
 * while they hold some of the batch, the seals before it need reading: none beyond the head when the
 * batch is new, a few when it is retried after its seals were written (a later step failed).
 */
async function withoutSealed(
  seals: SealStore,
  head: Seal | undefined,
  events: AuditEvent[],
): Promise<AuditEvent[]> {
  let remaining = events;
  let seal = head;
  while (seal && remaining.length > 0) {
    const inSeal = new Set(seal.entries.map((e) => e.eventId));
    const left = remaining.filter((e) => !inSeal.has(e.eventId));
    if (left.length === remaining.length) break;
    remaining = left;
    seal = seal.sequence > 1 ? await seals.get(seal.sequence - 1) : undefined;
  }
  return remaining;
}

/**
 * Seals a batch of new audit events onto the chain, at constant cost whatever its length: the head is
 * found from a hint, never by listing seals. The batch's full events are kept (write-once) before its
 * seal. A batch retried after it was sealed (a later step failed) is not sealed twice: events already in
 * the seals at the tail of the chain are dropped. If another sealer appended first, the rest is sealed on top of the new
 * head, so the chain never forks. Returns the seals written (none when there was nothing new).
 */
export async function sealAuditEvents(deps: SealDeps, events: AuditEvent[]): Promise<Seal[]> {
  const written: Seal[] = [];
  let remaining = [...events].sort(sealOrder);
  for (let attempt = 1; ; attempt++) {
    const head = await deps.seals.head();
    remaining = await withoutSealed(deps.seals, head, remaining);
    if (remaining.length === 0) return written;
    const sequence = (head?.sequence ?? 0) + 1;
    try {
      // A file left for this number by a sealer that stopped before its seal decides what it may hold.
      const kept = new Map(
        (await deps.seals.keepEvents(sequence, remaining)).map((e) => [e.eventId, eventHash(deps.hasher, e)]),
      );
      const batch = remaining.filter((e) => kept.get(e.eventId) === eventHash(deps.hasher, e));
      if (batch.length === 0) {
        throw new KeptEventsConflictError(
          `The events kept for seal ${sequence} (left by a sealer that stopped before sealing) hold none of this batch`,
        );
      }
      const seal = await sealEvents(head, batch, deps.now().toISOString(), deps.hasher, deps.key);
      await deps.seals.create(seal);
      written.push(seal);
      const done = new Set(batch.map((e) => e.eventId));
      remaining = remaining.filter((e) => !done.has(e.eventId));
      if (remaining.length === 0) return written;
      // Whatever the kept file did not hold goes under the next number, on the next turn.
      attempt = 0;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
