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
import { aChild, anInvolvement, otherPractitioner, practitioner, shieldBy } from '../../support/builders.ts';
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
  const forgotten: { childId: string; recipients: string[] }[] = [];
  const deps = {
    children: { get: async () => record ?? undefined },
    involvements: { listForChild: async (): Promise<Involvement[]> => [first, second] },
    directory: {
      getAccount: async (id: string) => accounts.find((a) => a.userId === id),
      getOrganisation: async (id: string) => organisations.find((o) => o.organisationId === id),
    },
    inbox: {
      deliver: async (alerts: ChildAlert[]) => void delivered.push(...alerts),
      removeForChild: async (childId: string, recipients: readonly string[]) => {
        forgotten.push({ childId, recipients: [...recipients] });
        return 0;
      },
    },
    env: fixedEnvironment('2026-12-06T10:00:00.000Z'),
    fingerprint: (material: string) => Buffer.from(material).toString('hex').slice(-16),
  };
  return { deps, delivered, forgotten };
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

  it('clears what the inboxes of those a record is now shielded from said about the child, before telling them it is shielded (R3)', async () => {
    const { deps, delivered, forgotten } = world([
      account(practitioner.userId, practitioner.organisationId),
      account(otherPractitioner.userId, otherPractitioner.organisationId),
    ]);
    const shielded = { ...aChild(), shield: shieldBy('E08000035'), version: 2 };
    deps.children.get = async () => shielded;
    await raiseRecordAlerts(deps, [{ eventId: 'e9', at: change.at, before: aChild(), after: shielded }]);
    expect(forgotten).toEqual([
      { childId: 'CP7M3K9P2XN', recipients: [practitioner.userId, otherPractitioner.userId] },
    ]);
    expect(delivered.map((a) => a.kind)).toEqual(['record-shielded', 'record-shielded']);
  });

  it('tells no one whose roles no longer let them view a child (a practitioner made an operator)', async () => {
    const { deps, delivered } = world([
      account(practitioner.userId, practitioner.organisationId, { roles: ['operator'] }),
      account(otherPractitioner.userId, otherPractitioner.organisationId),
    ]);
    await raiseInvolvementAlerts(deps, [change]);
    expect(delivered.map((a) => a.recipientId)).toEqual([otherPractitioner.userId]);
  });

  it('raises nothing about a record that has left (R7)', async () => {
    const { deps, delivered } = world([account(practitioner.userId, practitioner.organisationId)], null);
    expect(await raiseInvolvementAlerts(deps, [change])).toBe(0);
    expect(delivered).toEqual([]);
  });
});

describe('R9 daily digest', () => {
  function digestWorld(preferences: Record<string, boolean>, accounts: Account[], refused?: string) {
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
      directory: {
        getAccount: async (id: string) => accounts.find((a) => a.userId === id),
        getOrganisation: async (id: string) => ({ ...organisations[0], organisationId: id }) as Organisation,
      },
      mailer: {
        send: async (mail: (typeof mails)[number]) => {
          if (mail.to === refused) throw new Error('MessageRejected');
          mails.push(mail);
        },
      },
      env: fixedEnvironment('2026-12-06T07:00:00.000Z'),
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
    expect(await sendAlertDigests(deps)).toEqual({ recipients: 3, mailed: 1, alerts: 4, failed: 0 });
    expect(mails).toEqual([
      expect.objectContaining({ to: 'u1@example.nhs.uk', subject: 'ContactPoint: 2 new alerts' }),
    ]);
    expect(mails[0]?.text).toContain('https://contactpoint.example.gov.uk/alerts');
    expect(announced.sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('goes on to everyone else when one address is refused, and keeps that user’s alerts for the next run', async () => {
    const { deps, announced, mails } = digestWorld(
      {},
      [account('u1', 'ORG-A'), account('u2', 'ORG-A'), account('u3', 'ORG-A')],
      'u1@example.nhs.uk',
    );
    expect(await sendAlertDigests(deps)).toMatchObject({ mailed: 2, failed: 1 });
    expect(mails.map((m) => m.to)).toEqual(['u2@example.nhs.uk', 'u3@example.nhs.uk']);
    expect(announced.sort()).toEqual(['a3', 'a4']);
  });

  it('mails no one whose account fails R4 today though still active (a DBS certificate three years old)', async () => {
    const { deps, mails } = digestWorld({}, [
      account('u1', 'ORG-A', { dbsCertificateDate: '2023-12-06' }),
      account('u2', 'ORG-A'),
      account('u3', 'ORG-A'),
    ]);
    await sendAlertDigests(deps);
    expect(mails.map((m) => m.to)).toEqual(['u2@example.nhs.uk', 'u3@example.nhs.uk']);
  });
});
