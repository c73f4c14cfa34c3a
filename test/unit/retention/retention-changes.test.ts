import { describe, expect, it } from 'vitest';
import { isPermitted } from '#domain/access/permissions.ts';
import type { Principal } from '#domain/access/principal.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import {
  readArchivedChild,
  recordDeathNotice,
  recordRetentionConsent,
  withdrawRetentionConsent,
} from '#domain/use-cases/retention.ts';
import {
  aChild,
  bradfordDataManager,
  leedsDataManager,
  practitioner,
  shieldBy,
} from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';

const facts = { requestId: 'req-unit', sourceIp: '127.0.0.1' };
const auditor = (localAuthority: string): Principal => ({
  userId: `user-auditor-${localAuthority}`,
  roles: ['auditor'],
  organisationId: `ORG-${localAuthority}`,
  organisationName: 'A council',
  localAuthority,
  localAuthorityName: 'A council',
});

function setUp(child = aChild({ dateOfBirth: '2010-05-01' })) {
  const audit = new MemoryAudit();
  const children = new MemoryChildren([child], audit);
  return { deps: { children, audit, env: fixedEnvironment('2026-11-22T10:00:00.000Z') }, audit, child };
}

describe('R7 permissions', () => {
  it('lets only a data manager record or withdraw consent or a death, and only an auditor read an archive', () => {
    const roles = ['practitioner', 'data-manager', 'user-admin', 'auditor', 'operator'] as const;
    const allowed = (action: Parameters<typeof isPermitted>[1]) =>
      roles.filter((role) => isPermitted({ ...practitioner, roles: [role] }, action));
    for (const action of [
      'record-retention-consent',
      'withdraw-retention-consent',
      'record-death-notice',
    ] as const)
      expect(allowed(action), action).toEqual(['data-manager']);
    expect(allowed('read-archived-child')).toEqual(['auditor']);
  });
});

describe('R7 consent and death notices', () => {
  it('are refused (403, audited) to another council’s team, even when that council shielded the record', async () => {
    const { deps, audit, child } = setUp(
      aChild({ dateOfBirth: '2010-05-01', shield: shieldBy('E08000032') }),
    );
    await expect(
      recordRetentionConsent(deps, bradfordDataManager, child.childId, { givenOn: '2026-11-01' }, facts),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(audit.events.map((e) => [e.action, e.outcome])).toEqual([['record-retention-consent', 'denied']]);
  });

  it('refuse a consent or a death in the future or before birth, and a withdrawal with no consent', async () => {
    const { deps, child } = setUp();
    await expect(
      recordRetentionConsent(deps, leedsDataManager, child.childId, { givenOn: '2026-11-23' }, facts),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      recordDeathNotice(deps, leedsDataManager, child.childId, { dateOfDeath: '2009-01-01' }, facts),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      withdrawRetentionConsent(deps, leedsDataManager, child.childId, { withdrawnOn: '2026-11-01' }, facts),
    ).rejects.toThrow('No consent');
  });

  it('move the leaving day and say why, audited with the rule and never a date of the child', async () => {
    const { deps, audit, child } = setUp();
    const status = await recordRetentionConsent(
      deps,
      leedsDataManager,
      child.childId,
      { givenOn: '2026-11-01' },
      facts,
    );
    expect(status).toMatchObject({
      leavesOn: '2035-05-01',
      leavesBecause: 'age-25-with-consent',
      etag: '"2"',
    });
    const died = await recordDeathNotice(
      deps,
      leedsDataManager,
      child.childId,
      { dateOfDeath: '2026-11-20' },
      facts,
    );
    expect(died).toMatchObject({ leavesOn: '2027-11-20', leavesBecause: 'one-year-after-death' });
    expect(audit.events.map((e) => e.note)).toEqual([
      'leaves by rule age-25-with-consent',
      'leaves by rule one-year-after-death',
    ]);
    expect(JSON.stringify(audit.events)).not.toContain(child.dateOfBirth);
  });
});

describe('R7 auditors’ read of an archive', () => {
  const archived = {
    childId: 'CP7M3K9P2XN',
    record: aChild({ shield: undefined }),
    involvements: [],
    contactRequests: [],
    leftBecause: 'age-18' as const,
    archivedAt: '2026-01-01T02:30:00.000Z',
    archivedOn: '2026-01-01',
    purgeOn: '2032-01-01',
  };
  const deps = (today: string, record = archived.record) => {
    const audit = new MemoryAudit();
    return {
      audit,
      deps: {
        retention: {
          archiveEntry: async () => ({
            childId: archived.childId,
            archivedOn: '2026-01-01',
            purgeOn: '2032-01-01',
          }),
        },
        archive: { get: async () => ({ ...archived, record }) },
        audit,
        env: fixedEnvironment(`${today}T10:00:00.000Z`),
      },
    };
  };
  const query = { reason: 'COMPLAINT' as const, reasonText: 'Complaint C-2031-12 from the family' };

  it('is 404 (audited, with the reason) to another council’s auditor and on or after the purge day', async () => {
    for (const [who, today] of [
      [auditor('E08000032'), '2027-01-01'],
      [auditor('E08000035'), '2032-01-01'],
    ] as const) {
      const { deps: d, audit } = deps(today);
      await expect(readArchivedChild(d, who, archived.childId, query, facts)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(audit.events).toEqual([
        expect.objectContaining({
          action: 'read-archived-child',
          outcome: 'not-found',
          note: `COMPLAINT: ${query.reasonText}`,
        }),
      ]);
    }
  });

  it('gives a record shielded when it left only to the shielding council’s auditors', async () => {
    const shielded = aChild({ shield: shieldBy('E08000032') });
    await expect(
      readArchivedChild(
        deps('2027-01-01', shielded).deps,
        auditor('E08000035'),
        archived.childId,
        query,
        facts,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    const read = await readArchivedChild(
      deps('2027-01-01', shielded).deps,
      auditor('E08000032'),
      archived.childId,
      query,
      facts,
    );
    expect(read.childId).toBe(archived.childId);
  });
});
