import { describe, expect, it } from 'vitest';
import type { Account } from '#domain/access/account.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { ChildAlert } from '#domain/alerts/child-alert.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import {
  raiseInvolvementAlerts,
  raiseRecordAlerts,
  sendAlertDigests,
} from '#domain/use-cases/child-alerts.ts';
import { aChild, anInvolvement, otherPractitioner, practitioner } from '../../support/builders.ts';
import { fixedEnvironment } from '../../support/memory-children.ts';

const organisations: Organisation[] = [practitioner, otherPractitioner].map((p) => ({
  organisationId: p.organisationId,
  name: p.organisationName,
  kind: 'health',
  accredited: true,
  administeredBy: 'ORG-LEEDS-CC',
}));

function account(userId: string, organisationId: string, overrides: Partial<Account> = {}): Account {
  return {
    userId,
    email: `${userId}@example.nhs.uk`,
    organisationId,
    roles: ['practitioner'],
    status: 'active',
    authorisedBy: 'A Manager',
    dbsCertificateDate: '2025-01-01',
    trainingCompletedOn: '2025-01-02',
    agreementSignedOn: '2025-01-02',
    mfaEnrolled: true,
    grantedBy: 'admin',
    version: 1,
    createdAt: '2025-01-02T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    ...overrides,
  };
}

const first = anInvolvement();
const second = anInvolvement({
  involvementId: 'INV-2',
  practitionerName: 'Dr Tom Okafor',
  organisationId: otherPractitioner.organisationId,
  organisationName: otherPractitioner.organisationName,
  recordedBy: otherPractitioner.userId,
});

function world(accounts: Account[], record: ChildRecord | null = aChild()) {
  const delivered: ChildAlert[] = [];
  const deps = {
    children: { get: async () => record ?? undefined },
    involvements: { listForChild: async (): Promise<Involvement[]> => [first, second] },
    directory: {
      getAccount: async (id: string) => accounts.find((a) => a.userId === id),
      getOrganisation: async (id: string) => organisations.find((o) => o.organisationId === id),
    },
    inbox: { deliver: async (alerts: ChildAlert[]) => void delivered.push(...alerts) },
    env: fixedEnvironment('2026-12-06T10:00:00.000Z'),
    fingerprint: (material: string) => Buffer.from(material).toString('hex').slice(-16),
  };
  return { deps, delivered };
}

const change = { eventId: 'stream-event-1', at: '2026-12-06T09:59:58.000Z', after: second };

describe('R9 alert delivery', () => {
  it('gives an alert the same ID however often its stream event is handled, so a retried batch writes nothing new', async () => {
    const { deps, delivered } = world([
      account(practitioner.userId, practitioner.organisationId),
      account(otherPractitioner.userId, otherPractitioner.organisationId),
    ]);
    await raiseInvolvementAlerts(deps, [change]);
    await raiseInvolvementAlerts(deps, [change]);
    expect(delivered).toHaveLength(4);
    expect(new Set(delivered.map((a) => a.alertId)).size).toBe(2);
    expect(delivered[0]?.alertId).toMatch(/^20261206T095958000Z-/);
    expect(delivered[0]?.expiresAt).toBe(Date.parse('2026-12-06T09:59:58.000Z') / 1000 + 90 * 86_400);
  });

  it('tells no one whose account fails R4 today (suspended, or a DBS certificate three years old)', async () => {
    for (const refused of [{ status: 'suspended' as const }, { dbsCertificateDate: '2023-12-06' }]) {
      const { deps, delivered } = world([
        account(practitioner.userId, practitioner.organisationId, refused),
        account(otherPractitioner.userId, otherPractitioner.organisationId),
      ]);
      await raiseInvolvementAlerts(deps, [change]);
      expect(delivered.map((a) => a.recipientId)).toEqual([otherPractitioner.userId]);
    }
  });

  it('reads nothing for a new record, a correction R9 does not tell of, or an involvement change that neither starts nor ends it', async () => {
    const { deps } = world([account(practitioner.userId, practitioner.organisationId)]);
    let reads = 0;
    deps.children.get = async () => {
      reads++;
      return aChild();
    };
    const renamed = { ...aChild(), givenName: 'Millie', version: 2 };
    await raiseRecordAlerts(deps, [
      { eventId: 'e1', at: change.at, after: aChild() },
      { eventId: 'e2', at: change.at, before: aChild(), after: renamed },
    ]);
    await raiseInvolvementAlerts(deps, [
      { eventId: 'e3', at: change.at, before: second, after: { ...second, leadProfessional: true } },
    ]);
    expect(reads).toBe(0);
  });

  it('raises nothing about a record that has left (R7)', async () => {
    const { deps, delivered } = world([account(practitioner.userId, practitioner.organisationId)], null);
    expect(await raiseInvolvementAlerts(deps, [change])).toBe(0);
    expect(delivered).toEqual([]);
  });
});

describe('R9 daily digest', () => {
  function digestWorld(preferences: Record<string, boolean>, accounts: Account[]) {
    const waiting = [
      { recipientId: 'u1', alertId: 'a1' },
      { recipientId: 'u1', alertId: 'a2' },
      { recipientId: 'u2', alertId: 'a3' },
      { recipientId: 'u3', alertId: 'a4' },
    ];
    const announced: string[] = [];
    const mails: { to: string; subject: string; text: string }[] = [];
    const deps = {
      inbox: {
        async *awaitingDigest() {
          yield waiting.slice(0, 2);
          yield waiting.slice(2);
        },
        announced: async (alerts: { alertId: string }[]) =>
          void announced.push(...alerts.map((a) => a.alertId)),
        preferencesOf: async (userId: string) =>
          userId in preferences ? { digest: preferences[userId] as boolean } : undefined,
      },
      directory: { getAccount: async (id: string) => accounts.find((a) => a.userId === id) },
      mailer: { send: async (mail: (typeof mails)[number]) => void mails.push(mail) },
      consoleUrl: 'https://contactpoint.example.gov.uk',
    };
    return { deps, announced, mails };
  }

  it('mails each user once with the count and the inbox link, skips those who turned it off or are suspended, and marks all announced', async () => {
    const { deps, announced, mails } = digestWorld({ u2: false }, [
      account('u1', 'ORG-A'),
      account('u2', 'ORG-A'),
      account('u3', 'ORG-A', { status: 'suspended' }),
    ]);
    expect(await sendAlertDigests(deps)).toEqual({ recipients: 3, mailed: 1, alerts: 4 });
    expect(mails).toEqual([
      expect.objectContaining({ to: 'u1@example.nhs.uk', subject: 'ContactPoint: 2 new alerts' }),
    ]);
    expect(mails[0]?.text).toContain('https://contactpoint.example.gov.uk/me/alerts');
    expect(announced.sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });
});
