import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type MacKey, type Seal, sealEvents, verifySeals } from '#domain/audit/seal.ts';

const hasher = { sha256: (text: string) => createHash('sha256').update(text).digest('hex') };
const keyOf = (secret: string): MacKey => ({
  sign: async (m) => createHmac('sha256', secret).update(m).digest('hex'),
  verify: async (m, mac) => createHmac('sha256', secret).update(m).digest('hex') === mac,
});
const key = keyOf('test-key');

function event(i: number): AuditEvent {
  return {
    eventId: `EV-${String(i).padStart(4, '0')}`,
    at: new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString(),
    actorId: `user-${i % 3}`,
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action: 'view-child',
    childIds: [`CP0000000${i % 10}X`],
    outcome: 'success',
    reason: { code: 'SAFEGUARDING' },
    requestId: `req-${i}`,
    sourceIp: '192.0.2.1',
  };
}

async function chain(events: AuditEvent[], batch: number): Promise<Seal[]> {
  const seals: Seal[] = [];
  for (let i = 0; i < events.length; i += batch) {
    seals.push(
      await sealEvents(
        seals.at(-1),
        events.slice(i, i + batch),
        `2026-11-01T10:00:0${seals.length}Z`,
        hasher,
        key,
      ),
    );
  }
  return seals;
}

const anAuditTrail = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    events: fc.constant(Array.from({ length: n }, (_, i) => event(i))),
    batch: fc.integer({ min: 1, max: 7 }),
    pick: fc.nat(n - 1),
  }),
);

describe('R6 sealed audit trail', () => {
  it('verifies an untouched trail', async () => {
    await fc.assert(
      fc.asyncProperty(anAuditTrail, async ({ events, batch }) => {
        const result = await verifySeals(await chain(events, batch), events, hasher, key);
        expect(result).toEqual({ problems: [], sealedEvents: events.length, pendingEvents: 0 });
      }),
    );
  });

  it('names any event edited after sealing', async () => {
    await fc.assert(
      fc.asyncProperty(anAuditTrail, async ({ events, batch, pick }) => {
        const seals = await chain(events, batch);
        const edited = events.map((e, i) =>
          i === pick ? { ...e, reason: { code: 'DATA_QUALITY' as const } } : e,
        );
        const { problems } = await verifySeals(seals, edited, hasher, key);
        expect(problems).toEqual([
          expect.objectContaining({ kind: 'event-edited', eventId: events[pick]?.eventId }),
        ]);
      }),
    );
  });

  it('names any event deleted after sealing', async () => {
    await fc.assert(
      fc.asyncProperty(anAuditTrail, async ({ events, batch, pick }) => {
        const seals = await chain(events, batch);
        const { problems } = await verifySeals(
          seals,
          events.filter((_, i) => i !== pick),
          hasher,
          key,
        );
        expect(problems).toEqual([
          expect.objectContaining({ kind: 'event-deleted', eventId: events[pick]?.eventId }),
        ]);
      }),
    );
  });

  it('names an event inserted among sealed ones, and treats newer unsealed events as pending', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i + 1));
    const seals = await chain(events, 3);
    const forged = { ...event(0), eventId: 'EV-forged' };
    const later = { ...event(50), eventId: 'EV-later' };
    const result = await verifySeals(seals, [...events, forged, later], hasher, key);
    expect(result.problems).toEqual([{ kind: 'event-inserted', eventId: 'EV-forged' }]);
    expect(result.pendingEvents).toBe(1);
  });

  it('detects events reordered inside a seal, a seal edited or dropped, and a seal signed with another key', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i));
    const seals = await chain(events, 3);
    const reordered = seals.map((s, i) => (i === 0 ? { ...s, entries: [...s.entries].reverse() } : s));
    expect((await verifySeals(reordered, events, hasher, key)).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'events-reordered' }),
        expect.objectContaining({ kind: 'seal-tampered', sequence: 1 }),
      ]),
    );
    const dropped = [seals[1] as Seal];
    expect((await verifySeals(dropped, events.slice(3), hasher, key)).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'seal-tampered', sequence: 2 })]),
    );
    expect((await verifySeals(seals, events, hasher, keyOf('another key'))).problems).toEqual([
      { kind: 'seal-tampered', sequence: 1, detail: 'its MAC does not verify' },
      { kind: 'seal-tampered', sequence: 2, detail: 'its MAC does not verify' },
    ]);
  });
});
