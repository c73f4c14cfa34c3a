import { describe, expect, it, vi } from 'vitest';
import type { Account } from '#domain/access/account.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import {
  detectMisuse,
  detectMisuseWithRetries,
  MISUSE_RETRY,
  type MisuseDeps,
} from '#domain/use-cases/detect-misuse.ts';
import { MemoryMisuseAlerts, MemoryMisuseCounters } from '../../support/memory-misuse.ts';

const organisations: Record<string, Organisation> = {
  'ORG-LEEDS-CH': {
    organisationId: 'ORG-LEEDS-CH',
    name: 'Leeds Community Health',
    kind: 'health',
    accredited: true,
    administeredBy: 'ORG-LEEDS',
  },
  'ORG-LEEDS': {
    organisationId: 'ORG-LEEDS',
    name: 'Leeds City Council',
    kind: 'local-authority',
    gssCode: 'E08000035',
    accredited: true,
    administeredBy: 'ORG-LEEDS',
  },
};
const nurse = {
  userId: 'nurse',
  organisationId: 'ORG-LEEDS-CH',
  email: 'nurse@example.nhs.uk',
  roles: ['practitioner'],
};

let n = 0;
function event(
  action: AuditEvent['action'],
  childIds: string[],
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  n += 1;
  return {
    eventId: `EV-${String(n).padStart(4, '0')}`,
    at: `2026-07-01T10:${String(n % 60).padStart(2, '0')}:00.000Z`,
    actorId: 'nurse',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action,
    childIds,
    outcome: 'success',
    requestId: `r${n}`,
    sourceIp: '192.0.2.1',
    ...extra,
  };
}

/** Children C0… live in Leeds; children X0… in Westminster, where the nurse's organisation works with nobody. */
function fakes() {
  const counters = new MemoryMisuseCounters();
  const alerts = new MemoryMisuseAlerts();
  const deps = {
    directory: {
      getAccount: vi.fn(async (id: string) => (id === 'nurse' ? (nurse as unknown as Account) : undefined)),
      getOrganisation: vi.fn(async (id: string) => organisations[id]),
    },
    children: {
      get: vi.fn(
        async (id: string) =>
          ({
            childId: id,
            localAuthority: id.startsWith('X') ? 'E09000033' : 'E08000035',
            familyName: 'Walker',
            address: { postcode: 'LS8 3QE' },
          }) as unknown as ChildRecord,
      ),
    },
    involvements: { listForChild: vi.fn(async () => []) },
    counters,
    alerts,
    env: { now: () => new Date('2026-07-01T12:00:00.000Z'), newId: (p: string) => `${p}-1` },
    thresholds: { distinctChildrenPerDay: 5, outOfAreaChildrenPerDay: 3, unusualHours: { from: 0, to: 5 } },
  };
  return {
    deps,
    counters,
    alerts,
    run: (events: AuditEvent[]) => detectMisuse(deps as unknown as MisuseDeps, events),
  };
}

const ids = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

describe('R10 misuse detection over a batch of audit events', () => {
  it('counts the children a search returned towards many distinct children, and raises one alert for the council', async () => {
    const { run, alerts } = fakes();
    expect(await run([event('search-children', ids('C', 0, 3))])).toBe(0);
    expect(await run([event('search-children', ids('C', 2, 3))])).toBe(1);
    expect([...alerts.alerts.values()]).toEqual([
      expect.objectContaining({
        alertId: 'many-children.nurse.2026-07-01',
        reviewingOrganisationId: 'ORG-LEEDS',
        rule: 'many-children',
        subjectUserId: 'nurse',
        status: 'open',
        version: 1,
      }),
    ]);
    // Later searches that day raise nothing more.
    expect(await run([event('search-children', ids('C', 10, 5))])).toBe(0);
  });

  it('does not count a child twice when a batch is replayed', async () => {
    const { run, counters, alerts } = fakes();
    const batch = [
      event('search-children', ids('C', 0, 2)),
      event('view-child', ['C1']),
      event('view-child', ['C2']),
    ];
    await run(batch);
    await run(batch);
    await run(batch);
    expect(counters.days.get('nurse#2026-07-01')?.distinctChildren).toBe(3);
    expect(alerts.alerts.size).toBe(0);
  });

  it('costs each event work in proportion to its new children, not to the length of the user’s day', async () => {
    const { run, counters, deps } = fakes();
    // 300 views of the same 4 children: after the first four, no event writes a marker or looks up a child.
    await run(Array.from({ length: 300 }, (_, i) => event('search-children', [`C${i % 4}`])));
    expect(counters.writes).toBe(4);
    expect(deps.children.get).toHaveBeenCalledTimes(4);
    expect(deps.directory.getAccount).toHaveBeenCalledTimes(1);
  });

  it('counts children outside the user’s area, searched or viewed, and raises out-of-area at the limit', async () => {
    const { run, alerts, counters } = fakes();
    await run([event('search-children', ['X0', 'X1']), event('view-child', ['X1'])]);
    expect(alerts.alerts.size).toBe(0);
    await run([event('view-child', ['X2'])]);
    expect(counters.days.get('nurse#2026-07-01')?.outOfAreaChildren).toBe(3);
    expect([...alerts.alerts.values()].map((a) => a.rule)).toEqual(['out-of-area']);
  });

  it('raises a once-a-day alert again after a failure between raising and marking it raised', async () => {
    const { run, deps, alerts, counters } = fakes();
    const markAlerted = counters.markAlerted.bind(counters);
    const failing = vi.spyOn(counters, 'markAlerted').mockRejectedValueOnce(new Error('storage down'));
    const batch = [event('search-children', ids('C', 0, 5))];
    await expect(run(batch)).rejects.toThrow('storage down');
    failing.mockImplementation(markAlerted);
    expect(await run(batch)).toBe(1);
    expect(alerts.alerts.size).toBe(1);
    expect(deps.counters.days.get('nurse#2026-07-01')?.alerted).toEqual(new Set(['many-children']));
  });

  it('raises rate-limited once a day for a user refused at their per-user limit', async () => {
    const { run, alerts } = fakes();
    const limited = () => event('view-child', [], { outcome: 'rate-limited' });
    expect(await run([limited(), limited(), limited()])).toBe(1);
    expect(await run([limited()])).toBe(0);
    expect([...alerts.alerts.values()]).toEqual([
      expect.objectContaining({
        rule: 'rate-limited',
        reviewingOrganisationId: 'ORG-LEEDS',
        subjectUserId: 'nurse',
      }),
    ]);
  });

  it('leaves system jobs and machine clients alone', async () => {
    const { run, counters } = fakes();
    expect(await run([event('search-children', ids('C', 0, 9), { actorId: 'client:leeds-cms' })])).toBe(0);
    expect(counters.writes).toBe(0);
  });

  it('tries a failing batch again within the invocation: two failures then success raise the alert once', async () => {
    const { deps, alerts, counters } = fakes();
    const markAlerted = counters.markAlerted.bind(counters);
    vi.spyOn(counters, 'markAlerted')
      .mockRejectedValueOnce(new Error('storage down'))
      .mockRejectedValueOnce(new Error('storage down'))
      .mockImplementation(markAlerted);
    const raise = vi.spyOn(alerts, 'raise');
    const pauses: number[] = [];
    const raised = await detectMisuseWithRetries(
      deps as unknown as MisuseDeps,
      [event('search-children', ids('C', 0, 5))],
      { ...MISUSE_RETRY, sleep: async (ms) => void pauses.push(ms), random: () => 1 },
    );
    expect(raised).toBe(1);
    expect(alerts.alerts.size).toBe(1);
    expect(raise).toHaveBeenCalledTimes(3); // raised on each attempt, stored once
    expect(counters.days.get('nurse#2026-07-01')).toMatchObject({ distinctChildren: 5 });
    expect(counters.days.get('nurse#2026-07-01')?.alerted).toEqual(new Set(['many-children']));
    // Short exponential pauses: the second twice the first.
    expect(pauses).toEqual([100, 200]);
  });

  it('gives up after the last attempt and throws its error, pausing a jittered time between attempts', async () => {
    const { deps, counters } = fakes();
    vi.spyOn(counters, 'uncounted').mockRejectedValue(new Error('storage down'));
    const pauses: number[] = [];
    await expect(
      detectMisuseWithRetries(deps as unknown as MisuseDeps, [event('view-child', ['C1'])], {
        attempts: 3,
        baseDelayMs: 100,
        sleep: async (ms) => void pauses.push(ms),
        random: () => 0,
      }),
    ).rejects.toThrow('storage down');
    expect(counters.uncounted).toHaveBeenCalledTimes(3);
    expect(pauses).toEqual([50, 100]);
  });
});
