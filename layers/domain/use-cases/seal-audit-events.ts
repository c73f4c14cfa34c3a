import type { AuditEvent } from '../audit/event.ts';
import { type Hasher, type MacKey, type Seal, type SealStore, sealEvents } from '../audit/seal.ts';
import { PreconditionFailedError } from '../errors.ts';

export interface SealDeps {
  seals: SealStore;
  hasher: Hasher;
  key: MacKey;
  now(): Date;
}

const ATTEMPTS = 5;

/**
 * Seals a batch of new audit events onto the chain. Seals are write-once; if another sealer appended
 * first, the batch is sealed again on top of the new latest seal, so the chain never forks.
 */
export async function sealAuditEvents(deps: SealDeps, events: AuditEvent[]): Promise<Seal | undefined> {
  if (events.length === 0) return undefined;
  for (let attempt = 1; ; attempt++) {
    const seal = await sealEvents(
      await deps.seals.latest(),
      events,
      deps.now().toISOString(),
      deps.hasher,
      deps.key,
    );
    try {
      await deps.seals.create(seal);
      return seal;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
