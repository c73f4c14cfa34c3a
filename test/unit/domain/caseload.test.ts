import { describe, expect, it } from 'vitest';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import { isPermitted } from '#domain/access/permissions.ts';
import type { Principal, Role } from '#domain/access/principal.ts';
import {
  SHIELDED_CONTACT_INSTRUCTION,
  SPECIALIST_SERVICES_SENTENCE,
} from '#domain/disclosure/view-schema.ts';
import { AuditUnavailableError } from '#domain/errors.ts';
import { type CaseloadQuery, CaseloadQuerySchema } from '#domain/involvement/caseload.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import { listOwnInvolvements } from '#domain/use-cases/caseload.ts';
import {
  aChild,
  anInvolvement,
  leedsDataManager,
  otherPractitioner,
  practitioner,
  shieldBy,
} from '../../support/builders.ts';
import {
  fixedEnvironment,
  MemoryAudit,
  MemoryChildren,
  MemoryInvolvements,
} from '../../support/memory-children.ts';

/** fixedEnvironment's day. */
const TODAY = '2026-11-22';
const facts = { requestId: 'req', sourceIp: '192.0.2.1' };
const walker = aChild();
const shielded = aChild({
  childId: 'CP2SHIELDED',
  givenName: 'Noah',
  familyName: 'Shaw',
  shield: shieldBy(leedsDataManager.organisationId),
});

const mine = (id: string, overrides: Partial<Involvement> = {}) =>
  anInvolvement({ involvementId: id, createdAt: `2026-0${id.slice(-1)}-01T00:00:00.000Z`, ...overrides });

const query = (fields: Record<string, unknown> = {}): CaseloadQuery => CaseloadQuerySchema.parse(fields);

function world(involvements: Involvement[], children = [walker, shielded]) {
  const audit = new MemoryAudit();
  const deps = {
    children: new MemoryChildren(children),
    involvements: new MemoryInvolvements(involvements),
    audit,
    env: fixedEnvironment(),
  };
  return { deps, audit };
}

describe('a practitioner’s own caseload (GET /me/involvements)', () => {
  it('R3: shows a shielded child only as the shielded view does — no address, carers, school, GP or council', async () => {
    const own = mine('INV-1', { childId: shielded.childId });
    const { deps } = world([own]);
    const page = await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(page.involvements).toHaveLength(1);
    const item = page.involvements[0];
    expect(item?.child).toEqual({
      disclosure: 'shielded',
      childId: shielded.childId,
      givenName: 'Noah',
      familyName: 'Shaw',
      gender: shielded.gender,
      dateOfBirth: shielded.dateOfBirth,
      contactInstruction: SHIELDED_CONTACT_INSTRUCTION,
    });
    const text = JSON.stringify(page);
    for (const hidden of [
      'LS8 3QE',
      'Harehills',
      'Sarah Walker',
      'Bankside',
      'Leeds City Council',
      '9434765919',
    ])
      expect(text).not.toContain(hidden);
    // Their own involvement, as they recorded it, with the ETag they end it with.
    expect(item?.involvement).toMatchObject({ involvementId: 'INV-1', etag: '"1"', role: own.role });
  });

  it('R3: the shielding team, who see through the shield, get the summary fields only, never the address', async () => {
    const own = mine('INV-1', {
      childId: shielded.childId,
      recordedBy: leedsDataManager.userId,
      organisationId: leedsDataManager.organisationId,
    });
    const { deps } = world([own]);
    const page = await listOwnInvolvements(deps, leedsDataManager, query(), facts);
    expect(page.involvements[0]?.child.disclosure).toBe('full');
    expect(Object.keys(page.involvements[0]?.child ?? {}).sort()).toEqual(
      ['childId', 'dateOfBirth', 'disclosure', 'familyName', 'gender', 'givenName'].sort(),
    );
  });

  it('R2: says a record is sensitive-redacted without a word of another organisation’s specialist service', async () => {
    const camhs = anInvolvement({
      involvementId: 'INV-CAMHS',
      serviceType: 'camhs',
      practitionerName: 'Leah Brennan',
      organisationId: 'ORG-CAMHS',
      organisationName: 'Leeds CAMHS',
      recordedBy: 'user-camhs',
      consent: { givenBy: 'young-person', recordedOn: '2026-11-01' },
    });
    const { deps } = world([mine('INV-1'), camhs]);
    const page = await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(page.involvements.map((i) => i.child.disclosure)).toEqual(['sensitive-redacted']);
    const text = JSON.stringify(page);
    for (const hidden of ['camhs', 'Leah Brennan', 'Leeds CAMHS', SPECIALIST_SERVICES_SENTENCE])
      expect(text).not.toContain(hidden);
  });

  it('R2: leaves out the caller’s own sensitive involvement once their organisation no longer holds it', async () => {
    const before = mine('INV-1', {
      serviceType: 'sexual-health',
      organisationId: 'ORG-PREVIOUS',
      consent: { givenBy: 'young-person', recordedOn: '2026-01-01' },
    });
    const { deps, audit } = world([before, mine('INV-2', { childId: shielded.childId })]);
    const page = await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(page.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-2']);
    expect(audit.events[0]?.childIds).toEqual([shielded.childId]);
  });

  it('lists active involvements by default (no end date, or one still to come) and ended ones on request', async () => {
    const open = mine('INV-1');
    const endingLater = mine('INV-2', { endDate: '2026-12-31' });
    const endedToday = mine('INV-3', { endDate: TODAY });
    const endedBefore = mine('INV-4', { endDate: '2026-06-30' });
    const { deps } = world([open, endingLater, endedToday, endedBefore]);
    const ids = async (q: CaseloadQuery) =>
      (await listOwnInvolvements(deps, practitioner, q, facts)).involvements.map(
        (i) => i.involvement.involvementId,
      );
    expect(await ids(query())).toEqual(['INV-2', 'INV-1']);
    expect(await ids(query({ status: 'active' }))).toEqual(['INV-2', 'INV-1']);
    expect(await ids(query({ status: 'ended' }))).toEqual(['INV-4', 'INV-3']);
  });

  it('an ended involvement shows its end date', async () => {
    const { deps } = world([mine('INV-1', { endDate: '2026-06-30' })]);
    const page = await listOwnInvolvements(deps, practitioner, query({ status: 'ended' }), facts);
    expect(page.involvements[0]?.involvement.endDate).toBe('2026-06-30');
  });

  it('never lists another user’s involvements, not even on a child the caller works with', async () => {
    const colleague = anInvolvement({
      involvementId: 'INV-DOCTOR',
      recordedBy: otherPractitioner.userId,
      organisationId: otherPractitioner.organisationId,
      organisationName: otherPractitioner.organisationName,
      serviceType: 'paediatrics',
    });
    // Same organisation, different person: still not theirs.
    const teamMate = mine('INV-9', { recordedBy: 'user-nurse-2' });
    const { deps } = world([
      mine('INV-1'),
      colleague,
      teamMate,
      { ...colleague, involvementId: 'INV-D2', childId: shielded.childId },
    ]);
    const page = await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(page.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-1']);
    const theirs = await listOwnInvolvements(deps, otherPractitioner, query(), facts);
    expect(theirs.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-DOCTOR', 'INV-D2']);
  });

  it('pages newest recorded first with the cursor it gave, each involvement once', async () => {
    const all = ['INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5'].map((id) => mine(id));
    const { deps } = world(all);
    const first = await listOwnInvolvements(deps, practitioner, query({ limit: '2' }), facts);
    expect(first.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-5', 'INV-4']);
    expect(first.next).toBeDefined();
    const second = await listOwnInvolvements(
      deps,
      practitioner,
      query({ limit: '2', cursor: first.next }),
      facts,
    );
    expect(second.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-3', 'INV-2']);
    const last = await listOwnInvolvements(
      deps,
      practitioner,
      query({ limit: '2', cursor: second.next }),
      facts,
    );
    expect(last.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-1']);
    expect(last.next).toBeUndefined();
  });

  it('R6: records the children named, each as a match summary, before the page is returned', async () => {
    const { deps, audit } = world([
      mine('INV-1'),
      mine('INV-2', { childId: shielded.childId }),
      mine('INV-3'),
    ]);
    await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      action: 'list-own-involvements',
      outcome: 'success',
      actorId: practitioner.userId,
      childIds: [walker.childId, shielded.childId],
      disclosure: { [walker.childId]: 'match-summary', [shielded.childId]: 'match-summary' },
    });
  });

  it('R6: no audit event, no data (fail closed)', async () => {
    const { deps } = world([mine('INV-1')]);
    const failing = {
      ...deps,
      audit: {
        record: async () => {
          throw new AuditUnavailableError();
        },
      },
    };
    await expect(listOwnInvolvements(failing, practitioner, query(), facts)).rejects.toBeInstanceOf(
      AuditUnavailableError,
    );
  });

  it('R7: leaves out an involvement whose record has left, and does not name that child', async () => {
    const { deps, audit } = world([mine('INV-1'), mine('INV-2', { childId: 'CPGONE00000' })]);
    const page = await listOwnInvolvements(deps, practitioner, query(), facts);
    expect(page.involvements.map((i) => i.involvement.involvementId)).toEqual(['INV-1']);
    expect(audit.events[0]?.childIds).toEqual([walker.childId]);
  });

  it('is for whoever may register involvements: practitioners and data managers, no other role nor machine client', () => {
    const as = (roles: Role[]): Principal => ({ ...practitioner, roles });
    expect(isPermitted(as(['practitioner']), 'list-own-involvements')).toBe(true);
    expect(isPermitted(as(['data-manager']), 'list-own-involvements')).toBe(true);
    for (const role of ['auditor', 'user-admin', 'operator'] as const)
      expect(isPermitted(as([role]), 'list-own-involvements')).toBe(false);
    const client = {
      ...practitioner,
      roles: [],
      machineClientId: 'cms-1',
      scopes: [INVOLVEMENTS_WRITE_SCOPE],
    };
    expect(isPermitted(client as Principal, 'list-own-involvements')).toBe(false);
  });
});
