import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { NotFoundError } from '#domain/errors.ts';
import { readChildTrail, readUserTrail } from '#domain/use-cases/audit-trail.ts';
import { aChild } from '../../support/builders.ts';

const auditor: Principal = {
  userId: 'user-auditor',
  roles: ['auditor'],
  organisationId: 'ORG-LEEDS-CC',
  organisationName: 'Leeds City Council',
  localAuthority: 'E08000035',
  localAuthorityName: 'Leeds City Council',
};
const facts = { requestId: 'req-1', sourceIp: '192.0.2.10' };

function fakes() {
  const recorded: AuditEvent[] = [];
  return {
    recorded,
    audit: { record: async (event: AuditEvent) => void recorded.push(event) },
    env: {
      now: () => new Date('2026-11-22T10:00:00Z'),
      newId: (p: string) => `${p}-1`,
      newChildId: () => 'x',
    },
    trail: {
      page: async () => {
        throw new Error('a refused read must not reach the trail');
      },
    },
  };
}

describe('R6: 404s on the oversight routes are audited', () => {
  it('audits a child trail read outside the auditor’s area as not-found, and reads no trail', async () => {
    const deps = fakes();
    const elsewhere = aChild({ localAuthority: 'E08000032' });
    const children = { get: async () => elsewhere };
    await expect(
      readChildTrail({ ...deps, children } as never, auditor, elsewhere.childId, {}, facts),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(deps.recorded).toEqual([
      expect.objectContaining({
        actorId: 'user-auditor',
        action: 'read-audit-trail',
        outcome: 'not-found',
        childIds: [elsewhere.childId],
      }),
    ]);
    expect(deps.recorded[0]).not.toHaveProperty('disclosure');
  });

  it('audits a user trail read for an account the auditor does not oversee as not-found', async () => {
    const deps = fakes();
    const directory = { getAccount: async () => undefined, getOrganisation: async () => undefined };
    await expect(
      readUserTrail({ ...deps, directory } as never, auditor, 'user-unknown', {}, facts),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(deps.recorded).toEqual([
      expect.objectContaining({ outcome: 'not-found', subjectUserId: 'user-unknown', childIds: [] }),
    ]);
  });
});

describe('R6: a machine client’s history is read like a user’s', () => {
  const leedsCc = { organisationId: 'ORG-LEEDS-CC', administeredBy: 'ORG-LEEDS-CC' };
  const directory = {
    getAccount: async () => undefined,
    getMachineClient: async (clientId: string) =>
      clientId === 'cms-1' ? { clientId, organisationId: 'ORG-LEEDS-CC', status: 'revoked' } : undefined,
    getOrganisation: async (id: string) => (id === leedsCc.organisationId ? leedsCc : undefined),
  };

  it('lets an auditor of the organisation that administers the client read client:<id>', async () => {
    const deps = fakes();
    const trail = { page: async () => ({ entries: [] }) };
    await expect(
      readUserTrail({ ...deps, trail, directory } as never, auditor, 'client:cms-1', {}, facts),
    ).resolves.toEqual({ entries: [] });
    expect(deps.recorded).toEqual([
      expect.objectContaining({ outcome: 'success', subjectUserId: 'client:cms-1' }),
    ]);
  });

  it('answers another organisation’s auditor, or an unknown client, 404 (audited)', async () => {
    const deps = fakes();
    const bradford = { ...auditor, organisationId: 'ORG-BRADFORD-MDC' };
    for (const [who, id] of [
      [bradford, 'client:cms-1'],
      [auditor, 'client:unknown'],
    ] as const) {
      await expect(readUserTrail({ ...deps, directory } as never, who, id, {}, facts)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
    expect(deps.recorded.map((e) => e.outcome)).toEqual(['not-found', 'not-found']);
  });
});
