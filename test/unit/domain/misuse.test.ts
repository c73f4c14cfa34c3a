import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import {
  type ChildFacts,
  childrenSeen,
  isOutOfArea,
  type MisuseDay,
  misuseFindings,
  ukHour,
} from '#domain/audit/misuse.ts';

const thresholds = {
  distinctChildrenPerDay: 5,
  outOfAreaChildrenPerDay: 3,
  unusualHours: { from: 0, to: 5 },
};
const actor = {
  userId: 'nurse',
  organisationId: 'ORG-LEEDS-CH',
  area: 'E08000035',
  familyName: 'Okoro',
  homePostcode: 'LS6 1AA',
};
let n = 0;
function access(
  action: AuditEvent['action'],
  childIds: string[],
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  n += 1;
  return {
    eventId: `EV-${n}`,
    at: '2026-07-01T10:00:00.000Z',
    actorId: 'nurse',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action,
    childIds,
    outcome: 'success',
    disclosure: Object.fromEntries(childIds.map((id) => [id, 'full'])),
    requestId: 'r',
    sourceIp: '192.0.2.1',
    ...extra,
  };
}
const leedsChild = (familyName = 'Walker', postcodes = ['LS8 3QE']): ChildFacts => ({
  localAuthority: 'E08000035',
  familyName,
  postcodes,
  involvedOrganisations: [],
});
const elsewhere = (involved: string[] = []): ChildFacts => ({
  localAuthority: 'E09000033',
  familyName: 'Hart',
  postcodes: ['SW1A 2AA'],
  involvedOrganisations: involved,
});
const rulesOf = (findings: { rule: string }[]) => findings.map((f) => f.rule);

const quiet: MisuseDay = { distinctChildren: 0, outOfAreaChildren: 0, alerted: [] };
const day = (distinctChildren: number, outOfAreaChildren = 0, alerted: string[] = []): MisuseDay => ({
  distinctChildren,
  outOfAreaChildren,
  alerted,
});
const none = new Map<string, ChildFacts>();

describe('R10 misuse rules', () => {
  it('flags a user once their day reaches the limit of distinct children, and not again once raised', () => {
    expect(rulesOf(misuseFindings(access('view-child', ['C4']), day(4), actor, none, thresholds))).toEqual(
      [],
    );
    expect(rulesOf(misuseFindings(access('view-child', ['C4']), day(5), actor, none, thresholds))).toEqual([
      'many-children',
    ]);
    expect(
      misuseFindings(access('view-child', ['C5']), day(6, 0, ['many-children']), actor, none, thresholds),
    ).toEqual([]);
  });

  it('still raises a reached limit that was not yet raised (a batch retried after a failure)', () => {
    expect(
      rulesOf(misuseFindings(access('search-children', ['C1']), day(9), actor, none, thresholds)),
    ).toEqual(['many-children']);
  });

  it('counts the children a search returned as seen, as well as viewed records; refusals showed nobody', () => {
    expect(childrenSeen(access('search-children', ['X1', 'X2']))).toEqual(['X1', 'X2']);
    expect(childrenSeen(access('view-child', ['X1']))).toEqual(['X1']);
    expect(childrenSeen(access('override-view', ['X1']))).toEqual(['X1']);
    expect(childrenSeen(access('view-child', ['X1'], { outcome: 'not-found' }))).toEqual([]);
    expect(childrenSeen(access('create-child', ['X1']))).toEqual([]);
  });

  it('counts the record a change answered with (correct, shield, unshield) as seen, like a view', () => {
    for (const action of ['update-child', 'shield-child', 'unshield-child'] as const) {
      expect(childrenSeen(access(action, ['X1'], { disclosure: { X1: 'full' } }))).toEqual(['X1']);
      // Refused, or awaiting another council's agreement: nothing was counted as a view, nor is it here.
      expect(childrenSeen(access(action, ['X1'], { outcome: 'denied', disclosure: { X1: 'full' } }))).toEqual(
        [],
      );
      // No disclosure recorded: no record was returned.
      expect(childrenSeen(access(action, ['X1'], { disclosure: undefined }))).toEqual([]);
    }
    expect(
      childrenSeen(
        access('unshield-child', ['X1'], { outcome: 'awaiting-agreement', disclosure: { X1: 'full' } }),
      ),
    ).toEqual([]);
  });

  it('flags a day that reaches the limit of children far outside the user’s area with no involvement', () => {
    expect(
      rulesOf(misuseFindings(access('search-children', ['X3']), day(3, 3), actor, none, thresholds)),
    ).toEqual(['out-of-area']);
    expect(misuseFindings(access('search-children', ['X3']), day(3, 2), actor, none, thresholds)).toEqual([]);
  });

  it('counts as out of area only children of another council that the user’s organisation does not work with', () => {
    expect(isOutOfArea(actor, elsewhere())).toBe(true);
    expect(isOutOfArea(actor, elsewhere(['ORG-LEEDS-CH']))).toBe(false);
    expect(isOutOfArea(actor, leedsChild())).toBe(false);
    expect(isOutOfArea({ ...actor, area: undefined }, elsewhere())).toBe(false);
  });

  it('flags a viewed child who shares the user’s surname or home postcode', () => {
    expect(
      rulesOf(
        misuseFindings(
          access('view-child', ['K1']),
          quiet,
          actor,
          new Map([['K1', leedsChild('OKORO')]]),
          thresholds,
        ),
      ),
    ).toEqual(['personal-connection']);
    expect(
      rulesOf(
        misuseFindings(
          access('view-child', ['K2']),
          quiet,
          actor,
          new Map([['K2', leedsChild('Hart', ['LS6 1AA'])]]),
          thresholds,
        ),
      ),
    ).toEqual(['personal-connection']);
  });

  it('stays quiet for a child with another surname and address', () => {
    expect(
      misuseFindings(access('view-child', ['K3']), quiet, actor, new Map([['K3', leedsChild()]]), thresholds),
    ).toEqual([]);
  });

  it('flags every view of a shielded record, and not a full view', () => {
    const children = new Map([['S1', leedsChild()]]);
    const shielded = access('view-child', ['S1'], { disclosure: { S1: 'shielded' } });
    expect(rulesOf(misuseFindings(shielded, quiet, actor, children, thresholds))).toEqual(['shielded-view']);
    expect(misuseFindings(access('view-child', ['S1']), quiet, actor, children, thresholds)).toEqual([]);
  });

  it('flags every break-glass view of a shielded record (R3), and not a refused one', () => {
    const children = new Map([['S1', { ...leedsChild(), shieldingOrganisationId: 'ORG-BRADFORD-MDC' }]]);
    const override = access('override-view', ['S1'], { disclosure: { S1: 'override' } });
    expect(rulesOf(misuseFindings(override, quiet, actor, children, thresholds))).toEqual([
      'child-protection-override',
    ]);
    const refused = access('override-view', ['S1'], { outcome: 'conflict', disclosure: undefined });
    expect(misuseFindings(refused, quiet, actor, children, thresholds)).toEqual([]);
  });

  it('flags an attempt to create a second record of a shielded child, and not of an unshielded one', () => {
    const shielded = new Map([['S1', { ...leedsChild(), shieldingOrganisationId: 'ORG-BRADFORD-MDC' }]]);
    const duplicate = access('create-child', ['S1'], { outcome: 'conflict', disclosure: undefined });
    expect(rulesOf(misuseFindings(duplicate, quiet, actor, shielded, thresholds))).toEqual([
      'shielded-duplicate',
    ]);
    const open = new Map([['S1', leedsChild()]]);
    expect(misuseFindings(duplicate, quiet, actor, open, thresholds)).toEqual([]);
  });

  it('flags a request refused at the per-user limit, once a day', () => {
    const limited = access('search-children', [], { outcome: 'rate-limited', disclosure: undefined });
    expect(rulesOf(misuseFindings(limited, quiet, actor, none, thresholds))).toEqual(['rate-limited']);
    expect(misuseFindings(limited, day(0, 0, ['rate-limited']), actor, none, thresholds)).toEqual([]);
    expect(misuseFindings(access('search-children', []), quiet, actor, none, thresholds)).toEqual([]);
  });

  it('flags activity at unusual hours (UK time) once a day, and not in the working day', () => {
    const children = new Map([['C0', leedsChild()]]);
    // 02:30 BST on 1 July is 01:30 UTC.
    const night = access('view-child', ['C0'], { at: '2026-07-01T01:30:00.000Z' });
    expect(ukHour(night.at)).toBe(2);
    expect(misuseFindings(night, quiet, actor, children, thresholds)).toEqual([
      { rule: 'unusual-hours', key: 'unusual-hours.nurse.2026-07-01' },
    ]);
    expect(
      misuseFindings(
        access('view-child', ['C0'], { at: '2026-07-01T01:40:00.000Z' }),
        day(1, 0, ['unusual-hours']),
        actor,
        children,
        thresholds,
      ),
    ).toEqual([]);
    expect(
      misuseFindings(
        access('view-child', ['C0'], { at: '2026-07-01T09:00:00.000Z' }),
        quiet,
        actor,
        children,
        thresholds,
      ),
    ).toEqual([]);
  });

  it('gives each finding a key that is safe in a URL path', () => {
    const findings = misuseFindings(
      access('view-child', ['K1'], { at: '2026-07-01T01:30:00.000Z', disclosure: { K1: 'shielded' } }),
      day(9, 9),
      actor,
      new Map([['K1', leedsChild('Okoro')]]),
      thresholds,
    );
    expect(findings.length).toBeGreaterThan(3);
    for (const f of findings) expect(f.key).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('never carries child details in a finding', () => {
    const findings = misuseFindings(
      access('view-child', ['K1']),
      quiet,
      actor,
      new Map([['K1', leedsChild('Okoro')]]),
      thresholds,
    );
    expect(findings).not.toEqual([]);
    expect(JSON.stringify(findings)).not.toMatch(/K1|Okoro|LS/);
  });
});
