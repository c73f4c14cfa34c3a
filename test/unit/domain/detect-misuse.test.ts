import { describe, expect, it, vi } from 'vitest';
import type { Account } from '#domain/access/account.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { TrailEntry } from '#domain/audit/trail.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { detectMisuse, type MisuseDeps } from '#domain/use-cases/detect-misuse.ts';

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
const auditor = {
  userId: 'auditor',
  organisationId: 'ORG-LEEDS',
  email: 'audit@example.gov.uk',
  roles: ['auditor'],
};

/** A day of one nurse's views, `views` long, cycling over `distinct` children, all already filed in the index. */
function batchOfViews(views: number, distinct: number): AuditEvent[] {
  return Array.from({ length: views }, (_, i) => ({
    eventId: `EV-${String(i).padStart(3, '0')}`,
    at: `2026-07-01T10:${String(i).padStart(2, '0')}:00.000Z`,
    actorId: 'nurse',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action: 'view-child',
    childIds: [`C${i % distinct}`],
    outcome: 'success',
    requestId: `r${i}`,
    sourceIp: '192.0.2.1',
  }));
}

function fakes(events: AuditEvent[]) {
  const filed: TrailEntry[] = events.map((e) => ({
    at: e.at,
    eventId: e.eventId,
    action: e.action,
    outcome: e.outcome,
    actorId: e.actorId,
    actorOrganisationId: e.organisationId,
    actorRoles: e.roles,
    childIds: e.childIds,
  }));
  const deps = {
    directory: {
      getAccount: vi.fn(async (id: string) => (id === 'nurse' ? (nurse as unknown as Account) : undefined)),
      getOrganisation: vi.fn(async (id: string) => organisations[id]),
      listAccounts: vi.fn(async () => [auditor as unknown as Account]),
    },
    children: {
      get: vi.fn(
        async (id: string) =>
          ({
            childId: id,
            localAuthority: 'E08000035',
            familyName: 'Walker',
            address: { postcode: 'LS8 3QE' },
          }) as unknown as ChildRecord,
      ),
    },
    involvements: { listForChild: vi.fn(async () => []) },
    trail: { file: vi.fn(), page: vi.fn(async () => ({ entries: filed })) },
    alerts: { put: vi.fn(), putOnce: vi.fn(async () => {}) },
    env: { now: () => new Date('2026-07-01T12:00:00.000Z') },
    thresholds: { distinctChildrenPerDay: 5, outOfAreaChildrenPerDay: 3, unusualHours: { from: 0, to: 5 } },
  };
  return deps;
}

describe('R10 misuse detection over a batch of audit events', () => {
  it('looks up each child and the acting user once per batch, however many of its events name them', async () => {
    const events = batchOfViews(40, 6);
    const deps = fakes(events);
    const raised = await detectMisuse(deps as unknown as MisuseDeps, events);
    expect(deps.children.get).toHaveBeenCalledTimes(6);
    expect(deps.involvements.listForChild).toHaveBeenCalledTimes(6);
    expect(deps.directory.getAccount).toHaveBeenCalledTimes(1);
    // The day's fifth distinct child still raises the one many-children alert, to the council's auditor.
    expect(raised).toBe(1);
    expect(deps.alerts.putOnce).toHaveBeenCalledWith(
      expect.objectContaining({ recipientId: 'auditor', rule: 'many-children', subjectUserId: 'nurse' }),
    );
  });
});
