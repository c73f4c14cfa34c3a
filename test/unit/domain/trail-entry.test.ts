import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import { TrailEntrySchema, trailCsv, trailEntry } from '#domain/audit/trail.ts';

const search: AuditEvent = {
  eventId: 'EV-1',
  at: '2026-11-21T09:14:03.112Z',
  actorId: 'user-1',
  organisationId: 'ORG-LEEDS-CH',
  roles: ['practitioner'],
  action: 'search-children',
  childIds: ['CP7M3K9P2XN'],
  disclosure: { CP7M3K9P2XN: 'match-summary' },
  reason: { code: 'SAFEGUARDING' },
  outcome: 'success',
  criteria: { familyName: 'Walker', givenName: 'Amelia', dateOfBirth: '2016-04-09', postcode: 'LS9 7TF' },
  requestId: 'r-1',
  sourceIp: '192.0.2.1',
};

describe('the user trail shows auditors what each search was for (R6)', () => {
  it('carries a search’s criteria in the user’s history, as the route description promises', () => {
    const entry = trailEntry(search, { userId: 'user-1' });
    expect(entry.criteria).toEqual(search.criteria);
    expect(TrailEntrySchema.parse(entry)).toEqual(entry);
    const csv = trailCsv([entry]);
    expect(csv.split('\r\n')[0]).toContain('criteria');
    expect(csv).toContain('familyName=Walker; givenName=Amelia; dateOfBirth=2016-04-09; postcode=LS9 7TF');
  });

  it('leaves the criteria out of a child’s history, where they would show what others typed', () => {
    expect(trailEntry(search, { childId: 'CP7M3K9P2XN' }).criteria).toBeUndefined();
  });
});

describe('the user trail shows auditors what the user was shown of each child (R6)', () => {
  const view: AuditEvent = {
    ...search,
    action: 'view-child',
    childIds: ['CP7M3K9P2XN'],
    disclosure: { CP7M3K9P2XN: 'shielded' },
    criteria: undefined,
  };

  it('gives a user history the disclosure level per child, keyed by the IDs it already lists, and nothing more', () => {
    const entry = trailEntry(view, { userId: 'user-1' });
    expect(entry.disclosures).toEqual({ CP7M3K9P2XN: 'shielded' });
    expect(entry.disclosure).toBeUndefined();
    expect(TrailEntrySchema.parse(entry)).toEqual(entry);
    expect(trailEntry(search, { userId: 'user-1' }).disclosures).toEqual({ CP7M3K9P2XN: 'match-summary' });
    expect(trailCsv([entry])).toContain('CP7M3K9P2XN=shielded');
  });

  it('never names a child in disclosures that the entry does not list', () => {
    const stray = { ...view, disclosure: { CP7M3K9P2XN: 'full' as const, CP0000000000: 'full' as const } };
    expect(Object.keys(trailEntry(stray, { userId: 'user-1' }).disclosures ?? {})).toEqual(['CP7M3K9P2XN']);
  });

  it('keeps a child history to that child’s one level, with no per-child map', () => {
    const entry = trailEntry(view, { childId: 'CP7M3K9P2XN' });
    expect(entry.disclosure).toBe('shielded');
    expect(entry.disclosures).toBeUndefined();
  });

  it('gives no disclosures to an event that showed nothing', () => {
    const refused = { ...view, outcome: 'denied' as const, disclosure: undefined };
    expect(trailEntry(refused, { userId: 'user-1' })).not.toHaveProperty('disclosures');
  });
});

describe('the user trail shows auditors why a request was refused (R4, R6)', () => {
  const refused: AuditEvent = {
    ...search,
    action: 'view-child',
    outcome: 'denied',
    childIds: ['CP7M3K9P2XN'],
    disclosure: undefined,
    criteria: undefined,
    refusalReasons: ['suspended', 'dbs-expired'],
  };

  it('carries the refusal reason codes in the user’s history and its CSV', () => {
    const entry = trailEntry(refused, { userId: 'user-1' });
    expect(entry.refusalReasons).toEqual(['suspended', 'dbs-expired']);
    expect(TrailEntrySchema.parse(entry)).toEqual(entry);
    expect(trailCsv([entry])).toContain('suspended dbs-expired');
  });

  it('leaves them out of a child’s history: they are about the user’s account, not the child', () => {
    expect(trailEntry(refused, { childId: 'CP7M3K9P2XN' })).not.toHaveProperty('refusalReasons');
  });
});
