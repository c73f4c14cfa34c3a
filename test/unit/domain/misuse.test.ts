import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type ChildFacts, misuseFindings, ukHour } from '#domain/audit/misuse.ts';

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

describe('R10 misuse rules', () => {
  it('flags the view that takes a user to the daily limit of distinct children, once', () => {
    const children = new Map(Array.from({ length: 6 }, (_, i) => [`C${i}`, leedsChild()]));
    const earlier = [0, 1, 2, 3].map((i) => access('view-child', [`C${i}`]));
    expect(
      rulesOf(misuseFindings(access('view-child', ['C4']), earlier, actor, children, thresholds)),
    ).toEqual(['many-children']);
    const after = [...earlier, access('view-child', ['C4'])];
    expect(rulesOf(misuseFindings(access('view-child', ['C5']), after, actor, children, thresholds))).toEqual(
      [],
    );
  });

  it('stays quiet when a user views the same few children many times', () => {
    const children = new Map([
      ['C0', leedsChild()],
      ['C1', leedsChild()],
    ]);
    const earlier = Array.from({ length: 20 }, (_, i) => access('view-child', [`C${i % 2}`]));
    expect(misuseFindings(access('view-child', ['C0']), earlier, actor, children, thresholds)).toEqual([]);
  });

  it('flags searches that keep returning children far outside the user’s area with no involvement', () => {
    const children = new Map([
      ['X1', elsewhere()],
      ['X2', elsewhere()],
      ['X3', elsewhere()],
    ]);
    const earlier = [access('search-children', ['X1', 'X2'])];
    expect(
      rulesOf(misuseFindings(access('search-children', ['X3']), earlier, actor, children, thresholds)),
    ).toEqual(['out-of-area']);
  });

  it('stays quiet for out-of-area children the user’s organisation works with', () => {
    const children = new Map([
      ['X1', elsewhere(['ORG-LEEDS-CH'])],
      ['X2', elsewhere(['ORG-LEEDS-CH'])],
      ['X3', elsewhere(['ORG-LEEDS-CH'])],
    ]);
    expect(
      misuseFindings(access('search-children', ['X1', 'X2', 'X3']), [], actor, children, thresholds),
    ).toEqual([]);
  });

  it('flags a viewed child who shares the user’s surname or home postcode', () => {
    expect(
      rulesOf(
        misuseFindings(
          access('view-child', ['K1']),
          [],
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
          [],
          actor,
          new Map([['K2', leedsChild('Hart', ['LS6 1AA'])]]),
          thresholds,
        ),
      ),
    ).toEqual(['personal-connection']);
  });

  it('stays quiet for a child with another surname and address', () => {
    expect(
      misuseFindings(access('view-child', ['K3']), [], actor, new Map([['K3', leedsChild()]]), thresholds),
    ).toEqual([]);
  });

  it('flags every view of a shielded record, and not a full view', () => {
    const children = new Map([['S1', leedsChild()]]);
    const shielded = access('view-child', ['S1'], { disclosure: { S1: 'shielded' } });
    expect(rulesOf(misuseFindings(shielded, [], actor, children, thresholds))).toEqual(['shielded-view']);
    expect(misuseFindings(access('view-child', ['S1']), [], actor, children, thresholds)).toEqual([]);
  });

  it('flags every break-glass view of a shielded record (R3), and not a refused one', () => {
    const children = new Map([['S1', { ...leedsChild(), shieldingOrganisationId: 'ORG-BRADFORD-MDC' }]]);
    const override = access('override-view', ['S1'], { disclosure: { S1: 'override' } });
    expect(rulesOf(misuseFindings(override, [], actor, children, thresholds))).toEqual([
      'child-protection-override',
    ]);
    const refused = access('override-view', ['S1'], { outcome: 'conflict', disclosure: undefined });
    expect(misuseFindings(refused, [], actor, children, thresholds)).toEqual([]);
  });

  it('flags an attempt to create a second record of a shielded child, and not of an unshielded one', () => {
    const shielded = new Map([['S1', { ...leedsChild(), shieldingOrganisationId: 'ORG-BRADFORD-MDC' }]]);
    const duplicate = access('create-child', ['S1'], { outcome: 'conflict', disclosure: undefined });
    expect(rulesOf(misuseFindings(duplicate, [], actor, shielded, thresholds))).toEqual([
      'shielded-duplicate',
    ]);
    const open = new Map([['S1', leedsChild()]]);
    expect(misuseFindings(duplicate, [], actor, open, thresholds)).toEqual([]);
  });

  it('flags activity at unusual hours (UK time) once a day, and not in the working day', () => {
    const children = new Map([['C0', leedsChild()]]);
    // 02:30 BST on 1 July is 01:30 UTC.
    const night = access('view-child', ['C0'], { at: '2026-07-01T01:30:00.000Z' });
    expect(ukHour(night.at)).toBe(2);
    expect(rulesOf(misuseFindings(night, [], actor, children, thresholds))).toEqual(['unusual-hours']);
    expect(
      misuseFindings(
        access('view-child', ['C0'], { at: '2026-07-01T01:40:00.000Z' }),
        [night],
        actor,
        children,
        thresholds,
      ),
    ).toEqual([]);
    expect(
      misuseFindings(
        access('view-child', ['C0'], { at: '2026-07-01T09:00:00.000Z' }),
        [],
        actor,
        children,
        thresholds,
      ),
    ).toEqual([]);
  });

  it('never carries child details in a finding', () => {
    const findings = misuseFindings(
      access('view-child', ['K1']),
      [],
      actor,
      new Map([['K1', leedsChild('Okoro')]]),
      thresholds,
    );
    expect(JSON.stringify(findings)).not.toMatch(/K1|Okoro|LS/);
  });
});
