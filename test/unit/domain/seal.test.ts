import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import {
  type MacKey,
  type ReplacedObject,
  type Seal,
  sealEvents,
  type TrailSnapshot,
  verifySeals,
} from '#domain/audit/seal.ts';

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
    const slice = events.slice(i, i + batch);
    // Sealed a second after the batch's last event, as the stream consumer would.
    const last = Math.max(...slice.map((e) => Date.parse(e.at)));
    seals.push(await sealEvents(seals.at(-1), slice, new Date(last + 1000).toISOString(), hasher, key));
  }
  return seals;
}

const NOW = new Date(Date.UTC(2026, 10, 1, 10, 0, 0));
const LAG = 900;

/** What each seal kept: the events it sealed, as they were when sealed (unless a test says otherwise). */
function keptBy(seals: Seal[], events: AuditEvent[]): Map<number, AuditEvent[] | undefined> {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  return new Map(
    seals.map((s) => [s.sequence, s.entries.flatMap((e) => byId.get(e.eventId) ?? [])] as const),
  );
}

function verify(
  seals: Seal[],
  events: AuditEvent[],
  trail: Partial<Omit<TrailSnapshot, 'seals' | 'events'>> & { key?: MacKey; now?: Date } = {},
) {
  return verifySeals(
    {
      seals,
      events,
      unreadable: trail.unreadable ?? new Set(),
      kept: trail.kept ?? keptBy(seals, events),
      replaced: trail.replaced ?? ([] as ReplacedObject[]),
    },
    { hasher, key: trail.key ?? key, now: trail.now ?? NOW, lagSeconds: LAG },
  );
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
        const result = await verify(await chain(events, batch), events);
        expect(result).toEqual({
          problems: [],
          sealedEvents: events.length,
          pendingEvents: 0,
          sealedContent: events,
        });
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
        const { problems, sealedContent } = await verify(seals, edited, { kept: keptBy(seals, events) });
        expect(problems).toEqual([
          expect.objectContaining({
            kind: 'event-edited',
            eventId: events[pick]?.eventId,
            contentKept: true,
          }),
        ]);
        // What the derived checks (the audit index) use is the event as sealed, not as edited.
        expect(sealedContent).toEqual(events);
      }),
    );
  });

  it('names any event deleted after sealing', async () => {
    await fc.assert(
      fc.asyncProperty(anAuditTrail, async ({ events, batch, pick }) => {
        const seals = await chain(events, batch);
        const { problems } = await verify(
          seals,
          events.filter((_, i) => i !== pick),
          { kept: keptBy(seals, events) },
        );
        expect(problems).toEqual([
          expect.objectContaining({
            kind: 'event-deleted',
            eventId: events[pick]?.eventId,
            contentKept: true,
          }),
        ]);
      }),
    );
  });

  it('names every unsealed event older than the lag (skipped, stalled, poison or inserted), and counts younger ones as pending', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i + 1));
    const seals = await chain(events, 3);
    const forged = { ...event(0), eventId: 'EV-forged' }; // an hour before NOW
    const recent = { ...event(0), eventId: 'EV-recent', at: new Date(NOW.getTime() - 60_000).toISOString() };
    const poison = { eventId: 'EV-poison', at: forged.at } as AuditEvent;
    const result = await verify(seals, [...events, forged, recent, poison], {
      unreadable: new Set(['EV-poison']),
    });
    expect(result.problems).toEqual([
      { kind: 'event-unsealed', eventId: 'EV-forged', ageSeconds: 3600, lagSeconds: LAG, unreadable: false },
      { kind: 'event-unsealed', eventId: 'EV-poison', ageSeconds: 3600, lagSeconds: LAG, unreadable: true },
    ]);
    expect(result.pendingEvents).toBe(1);
    // Once the lag has passed, the recent one is overdue too.
    const later = await verify(seals, [...events, recent], { now: new Date(NOW.getTime() + LAG * 1000) });
    expect(later.problems).toEqual([
      expect.objectContaining({ kind: 'event-unsealed', eventId: 'EV-recent' }),
    ]);
  });

  it('names an event written later with a past time, though it was sealed: dated before the seal before its own', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i + 1));
    const first = await chain(events.slice(0, 3), 3);
    // Written after seal 1 was made, claiming to be 20 minutes older than seal 1 — sealed in seal 2.
    const sealOneAt = Date.parse((first[0] as Seal).sealedAt);
    const forged = {
      ...event(0),
      eventId: 'EV-backdated',
      at: new Date(sealOneAt - 1_200_000).toISOString(),
    };
    const second = await sealEvents(
      first[0],
      [...events.slice(3), forged],
      new Date(Date.parse((events[5] as AuditEvent).at) + 1000).toISOString(),
      hasher,
      key,
    );
    const result = await verify([...first, second], [...events, forged]);
    expect(result.problems).toContainEqual({
      kind: 'event-backdated',
      eventId: 'EV-backdated',
      sequence: 2,
      secondsBeforePreviousSeal: 1200,
      lagSeconds: LAG,
    });
  });

  it('accepts an event that reached its seal a little after the seal before it was made (a batch in flight)', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i + 1));
    const first = await chain(events.slice(0, 3), 3);
    const sealOneAt = Date.parse((first[0] as Seal).sealedAt);
    const inFlight = { ...event(0), eventId: 'EV-in-flight', at: new Date(sealOneAt - 5_000).toISOString() };
    const second = await sealEvents(
      first[0],
      [...events.slice(3), inFlight],
      new Date(Date.parse((events[5] as AuditEvent).at) + 1000).toISOString(),
      hasher,
      key,
    );
    expect((await verify([...first, second], [...events, inFlight])).problems).toEqual([]);
  });

  it('names an event dated after its seal was made, or unsealed and dated after now, beyond the lag', async () => {
    const events = Array.from({ length: 3 }, (_, i) => event(i + 1));
    const future = { ...event(0), eventId: 'EV-future', at: '2099-01-01T00:00:00.000Z' };
    const seal = await sealEvents(undefined, [...events, future], '2026-11-01T09:00:10.000Z', hasher, key);
    const unsealed = { ...event(0), eventId: 'EV-future-unsealed', at: '2099-01-01T00:00:00.000Z' };
    const result = await verify([seal], [...events, future, unsealed]);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { kind: 'event-future-dated', eventId: 'EV-future', sequence: 1 },
        { kind: 'event-future-dated', eventId: 'EV-future-unsealed', sequence: undefined },
      ]),
    );
    expect(result.pendingEvents).toBe(0);
  });

  it('names a seal object with more than one version, and kept events missing or not matching their seal', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i));
    const seals = await chain(events, 3);
    const replaced = [{ key: 'audit-seals/000000000002.json', sequence: 2, versions: 2 }];
    expect((await verify(seals, events, { replaced })).problems).toEqual([
      { kind: 'seal-replaced', sequence: 2, key: 'audit-seals/000000000002.json', versions: 2 },
    ]);
    const kept = keptBy(seals, events);
    kept.set(1, undefined);
    kept.set(2, [{ ...(events[3] as AuditEvent), outcome: 'denied' }, events[4] as AuditEvent]);
    expect((await verify(seals, events, { kept })).problems).toEqual([
      { kind: 'kept-events-missing', sequence: 1 },
      { kind: 'kept-event-mismatch', sequence: 2, eventId: events[3]?.eventId },
      { kind: 'kept-event-mismatch', sequence: 2, eventId: events[5]?.eventId },
    ]);
  });

  it('detects events reordered inside a seal, a seal edited or dropped, and a seal signed with another key', async () => {
    const events = Array.from({ length: 6 }, (_, i) => event(i));
    const seals = await chain(events, 3);
    const reordered = seals.map((s, i) => (i === 0 ? { ...s, entries: [...s.entries].reverse() } : s));
    expect((await verify(reordered, events)).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'events-reordered' }),
        expect.objectContaining({ kind: 'seal-tampered', sequence: 1 }),
      ]),
    );
    const dropped = [seals[1] as Seal];
    expect((await verify(dropped, events.slice(3))).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'seal-tampered', sequence: 2 })]),
    );
    expect((await verify(seals, events, { key: keyOf('another key') })).problems).toEqual([
      { kind: 'seal-tampered', sequence: 1, detail: 'its MAC does not verify' },
      { kind: 'seal-tampered', sequence: 2, detail: 'its MAC does not verify' },
    ]);
  });
});
