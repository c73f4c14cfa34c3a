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
