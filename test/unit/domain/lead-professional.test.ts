import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import { LeadProfessionalHeldError } from '#domain/errors.ts';
import { registerInvolvement, updateInvolvement } from '#domain/use-cases/involvements.ts';
import { problemFor } from '#http/problem-details.ts';
import {
  aChild,
  anInvolvement,
  leedsDataManager,
  otherPractitioner,
  practitioner,
} from '../../support/builders.ts';
import {
  fixedEnvironment,
  MemoryAudit,
  MemoryChildren,
  MemoryInvolvements,
} from '../../support/memory-children.ts';

const facts = { requestId: 'req', sourceIp: '192.0.2.1' };
const child = aChild();
const request = {
  serviceType: 'school-nursing' as const,
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
  leadProfessional: true,
  assessmentCompleted: false,
};
/** The hospital's (otherPractitioner's organisation) lead professional on the child. */
const hospitalLead = anInvolvement({
  involvementId: 'INV-HOSPITAL',
  organisationId: otherPractitioner.organisationId,
  organisationName: otherPractitioner.organisationName,
  recordedBy: otherPractitioner.userId,
  serviceType: 'paediatrics',
  leadProfessional: true,
});
/** A machine client of the community trust (practitioner's organisation). */
const trustClient: Principal = {
  userId: 'client:cms-1',
  roles: [],
  organisationId: practitioner.organisationId,
  organisationName: practitioner.organisationName,
  machineClientId: 'cms-1',
} as Principal;

function world(involvements = [hospitalLead]) {
  const audit = new MemoryAudit();
  const store = new MemoryInvolvements(involvements);
  const deps = { children: new MemoryChildren([child]), involvements: store, audit, env: fixedEnvironment() };
  return { deps, audit, store };
}

describe('R8: one organisation cannot take the lead professional from another', () => {
  it.each([
    ['a practitioner', practitioner],
    ['a machine client', trustClient],
  ])(
    'refuses %s registering a lead while another organisation holds it: 409 naming no one, audited, nothing changed',
    async (_who, caller) => {
      const { deps, audit, store } = world();
      const registered = registerInvolvement(deps, caller, child.childId, request, facts);
      await expect(registered).rejects.toBeInstanceOf(LeadProfessionalHeldError);
      const problem = problemFor(await registered.catch((e: unknown) => e));
      expect(problem).toMatchObject({ status: 409, type: '/problems/lead-professional-held' });
      expect(problem.detail).not.toContain(otherPractitioner.organisationName);
      expect(problem.detail).not.toContain(hospitalLead.practitionerName);
      expect(store.items).toEqual([hospitalLead]);
      expect(audit.events.at(-1)).toMatchObject({
        action: 'register-involvement',
        outcome: 'conflict',
        actorId: caller.userId,
        childIds: [child.childId],
      });
      expect(audit.events.at(-1)?.note).toContain('lead-professional-held');
    },
  );

  it('still moves the lead between the caller’s own organisation’s involvements', async () => {
    const ownLead = {
      ...hospitalLead,
      organisationId: practitioner.organisationId,
      involvementId: 'INV-OWN',
    };
    const { deps, store } = world([ownLead]);
    const registered = await registerInvolvement(deps, practitioner, child.childId, request, facts);
    expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([
      registered.involvementId,
    ]);
  });

  it('refuses marking one’s own involvement lead by update while another organisation holds it', async () => {
    const own = anInvolvement({ involvementId: 'INV-OWN', recordedBy: practitioner.userId });
    const { deps, store } = world([hospitalLead, own]);
    await expect(
      updateInvolvement(
        deps,
        practitioner,
        child.childId,
        own.involvementId,
        { leadProfessional: true },
        1,
        facts,
      ),
    ).rejects.toBeInstanceOf(LeadProfessionalHeldError);
    expect(store.items.find((i) => i.involvementId === hospitalLead.involvementId)?.leadProfessional).toBe(
      true,
    );
  });

  it('lets the record’s ContactPoint team move the lead from one organisation to another', async () => {
    const own = anInvolvement({ involvementId: 'INV-OWN' });
    const { deps, store } = world([hospitalLead, own]);
    await updateInvolvement(
      deps,
      leedsDataManager,
      child.childId,
      own.involvementId,
      { leadProfessional: true },
      1,
      facts,
    );
    expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual(['INV-OWN']);
  });

  describe('R2: another organisation’s sensitive-service lead is hidden, so it neither refuses nor is cleared', () => {
    /** The sexual-health clinic (otherPractitioner's organisation) holds the lead; nobody else may know. */
    const hiddenLead = anInvolvement({
      involvementId: 'INV-CLINIC',
      organisationId: otherPractitioner.organisationId,
      organisationName: otherPractitioner.organisationName,
      recordedBy: otherPractitioner.userId,
      serviceType: 'sexual-health',
      leadProfessional: true,
    });

    it('registers a lead beside it (no 409 revealing it) and leaves it the lead', async () => {
      const { deps, audit, store } = world([hiddenLead]);
      const registered = await registerInvolvement(deps, practitioner, child.childId, request, facts);
      expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([
        hiddenLead.involvementId,
        registered.involvementId,
      ]);
      expect(audit.events.filter((e) => e.outcome === 'conflict')).toEqual([]);
    });

    it('marks one’s own involvement lead by update beside it, leaving it the lead', async () => {
      const own = anInvolvement({ involvementId: 'INV-OWN', recordedBy: practitioner.userId });
      const { deps, store } = world([hiddenLead, own]);
      await updateInvolvement(
        deps,
        practitioner,
        child.childId,
        own.involvementId,
        { leadProfessional: true },
        1,
        facts,
      );
      expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([
        hiddenLead.involvementId,
        own.involvementId,
      ]);
    });

    it('is not cleared when the record’s ContactPoint team moves the lead either', async () => {
      const own = anInvolvement({ involvementId: 'INV-OWN' });
      const { deps, store } = world([hiddenLead, hospitalLead, own]);
      await updateInvolvement(
        deps,
        leedsDataManager,
        child.childId,
        own.involvementId,
        { leadProfessional: true },
        1,
        facts,
      );
      expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([
        hiddenLead.involvementId,
        own.involvementId,
      ]);
    });

    it('within its own organisation it is an ordinary lead: a new lead there clears it', async () => {
      const { deps, store } = world([hiddenLead]);
      const registered = await registerInvolvement(deps, otherPractitioner, child.childId, request, facts);
      expect(store.items.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([
        registered.involvementId,
      ]);
    });
  });
});
