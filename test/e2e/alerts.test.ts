import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTriggeredBy } from '#functions/define-function.ts';
import { FUNCTIONS } from '#functions/manifest.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * R9 over HTTP, as practitioners meet it: the stream consumers raise the alerts, each practitioner reads
 * their own inbox, and the daily digest job writes its e-mails to the local mail folder.
 */
const HOSPITAL = 'practitioner@leeds-th.example.nhs.uk';
const COMMUNITY = 'practitioner@leeds-ch.example.nhs.uk';
const CHILD = {
  givenName: 'Maisie',
  familyName: 'Thornbury',
  gender: 'female',
  dateOfBirth: '2018-03-14',
  address: { line1: '22 Chapeltown Road', town: 'Leeds', postcode: 'LS7 3AP' },
};
const NEW_ADDRESS = { line1: '5 Kirkstall Lane', town: 'Leeds', postcode: 'LS5 3BE' };

let stack: LocalStack;
let dataManager: Client;
let hospital: Client;
let community: Client;
let childId: string;
const involvementIds: Record<string, string> = {};
const etags: Record<string, string> = {};

type Alert = Record<string, unknown> & { alertId: string; kind: string; message: string };

async function inbox(client: Client, query = ''): Promise<Alert[]> {
  const reply = await client.call('GET', `/me/alerts${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.json().alerts;
}

/** The alerts of one kind in a client's inbox, once the stream consumers have raised `count` (polled, ≤ 20 s). */
async function awaitAlerts(client: Client, kind: string, count = 1): Promise<Alert[]> {
  for (let i = 0; i < 100; i++) {
    const found = (await inbox(client)).filter((a) => a.kind === kind);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${kind} alert arrived`);
}

/** Waits until both tables' streams are drained: an alert not raised by then will never be. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 3000));
}

async function register(client: Client, who: string, body: Record<string, unknown>) {
  const reply = await client.call('POST', `/children/${childId}/involvements`, {
    body: { startDate: '2026-11-01', ...body },
  });
  expect(reply.status, reply.text).toBe(201);
  involvementIds[who] = reply.json().involvementId;
  etags[who] = reply.headers.get('etag') as string;
}

beforeAll(async () => {
  stack = await startTestStack(20);
  dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  hospital = await clientFor(stack, HOSPITAL);
  community = await clientFor(stack, COMMUNITY);
  const created = await dataManager.call('POST', '/children', { body: CHILD });
  expect(created.status, created.text).toBe(201);
  childId = created.json().childId;
  etags.record = created.headers.get('etag') as string;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('R9 alerts over HTTP', () => {
  it('tells two practitioners who register with the same child about each other, with contact details', async () => {
    await register(hospital, HOSPITAL, {
      serviceType: 'paediatrics',
      practitionerName: 'Dr Tom Okafor',
      role: 'Consultant paediatrician',
      contact: { phone: '0113 496 0444' },
    });
    await register(community, COMMUNITY, {
      serviceType: 'school-nursing',
      practitionerName: 'Priya Shah',
      role: 'School nurse',
      contact: { phone: '0113 496 0303', email: 'priya.shah@example.nhs.uk' },
    });
    const [toHospital] = await awaitAlerts(hospital, 'not-alone');
    expect(toHospital).toMatchObject({
      childId,
      childName: 'Maisie Thornbury',
      read: false,
      colleague: {
        practitionerName: 'Priya Shah',
        role: 'School nurse',
        contact: { phone: '0113 496 0303', email: 'priya.shah@example.nhs.uk' },
      },
    });
    const [toCommunity] = await awaitAlerts(community, 'not-alone');
    expect(toCommunity).toMatchObject({
      childId,
      colleague: { practitionerName: 'Dr Tom Okafor', contact: { phone: '0113 496 0444' } },
    });
  });

  it('tells the first practitioner that the address changed, without the address', async () => {
    const patch = await dataManager.call('PATCH', `/children/${childId}`, {
      body: { address: NEW_ADDRESS },
      headers: { 'if-match': etags.record as string },
    });
    expect(patch.status, patch.text).toBe(200);
    const [changed] = await awaitAlerts(hospital, 'record-changed');
    expect(changed).toMatchObject({ childId, changes: ['address'] });
    expect(JSON.stringify(changed)).not.toMatch(/Kirkstall|LS5|Chapeltown|LS7/);
    await awaitAlerts(community, 'record-changed');
  });

  it('tells both, once the record is shielded, that it is shielded and nothing else, and clears what their inboxes said of it', async () => {
    const shield = await dataManager.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
    });
    expect(shield.status, shield.text).toBe(200);
    // A correction made while shielded is not told to anyone whose view is the shielded one.
    const moved = await dataManager.call('PATCH', `/children/${childId}`, {
      body: { address: { line1: '1 Refuge Row', town: 'Wakefield', postcode: 'WF1 2AB' } },
      headers: { 'if-match': shield.headers.get('etag') as string },
    });
    expect(moved.status, moved.text).toBe(200);
    etags.record = moved.headers.get('etag') as string;
    for (const client of [hospital, community]) {
      const [shielded] = await awaitAlerts(client, 'record-shielded');
      expect(shielded).toMatchObject({ childId, childName: 'Maisie Thornbury' });
      expect(shielded?.contactRequest).toMatch(/contact request/);
      await settle();
      // R3: the colleague's contact and the address change told earlier are gone with the shield.
      const all = await inbox(client);
      expect(all.map((a) => a.kind)).toEqual(['record-shielded']);
      expect(JSON.stringify(all)).not.toMatch(/Refuge|Wakefield|WF1|Leeds City Council|Okafor|Priya|0113/);
    }
  });

  it('tells a practitioner whose involvement has ended nothing more', async () => {
    const ended = await community.call(
      'PATCH',
      `/children/${childId}/involvements/${involvementIds[COMMUNITY]}`,
      {
        body: { endDate: '2026-12-01' },
        headers: { 'if-match': etags[COMMUNITY] as string },
      },
    );
    expect(ended.status, ended.text).toBe(200);
    const before = (await inbox(community)).length;
    const lifted = await dataManager.call('DELETE', `/children/${childId}/shield`, {
      body: { reasonText: 'Risk reviewed with the family' },
    });
    expect(lifted.status, lifted.text).toBe(200);
    const [unshielded] = await awaitAlerts(hospital, 'record-unshielded');
    expect(unshielded).toMatchObject({ childId });
    await settle();
    expect(await inbox(community)).toHaveLength(before);
  });

  it('marks an alert read, and lists only unread ones when asked', async () => {
    const [first] = await inbox(hospital);
    const read = await hospital.call('POST', `/me/alerts/${first?.alertId}/read`);
    expect(read.status, read.text).toBe(200);
    expect(read.json()).toMatchObject({ alertId: first?.alertId, read: true });
    expect((await inbox(hospital, '?unread=true')).map((a) => a.alertId)).not.toContain(first?.alertId);
    // Another practitioner's alert is no alert of theirs.
    const notTheirs = await community.call('POST', `/me/alerts/${first?.alertId}/read`);
    expect(notTheirs.status).toBe(404);
  });

  it('pages through an inbox with the cursor it gives', async () => {
    const all = await inbox(hospital, '?limit=100');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const reply = await hospital.call('GET', `/me/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.status, reply.text).toBe(200);
      seen.push(...reply.json().alerts.map((a: Alert) => a.alertId));
      cursor = reply.json().next;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.alertId));
    const foreign = await community.call(
      'GET',
      `/me/alerts?limit=2&cursor=${encodeURIComponent(
        Buffer.from(JSON.stringify({ recipientId: 'someone-else', alertId: 'x' })).toString('base64url'),
      )}`,
    );
    expect(foreign.status).toBe(400);
  });

  it('e-mails a daily digest that names no child to each user with unread alerts, unless they turned it off', async () => {
    const off = await community.call('PUT', '/me/alert-preferences', { body: { digest: false } });
    expect(off.status, off.text).toBe(200);
    expect((await community.call('GET', '/me/alert-preferences')).json()).toEqual({ digest: false });
    expect((await hospital.call('GET', '/me/alert-preferences')).json()).toEqual({ digest: true });
    const unread = (await inbox(hospital, '?unread=true')).length;

    const job = FUNCTIONS.filter(isTriggeredBy('schedule')).find((f) => f.name === 'send-alert-digests');
    const { handler } = await import(`../../functions/${job?.name}/handler.ts`);
    const summary = await handler({}, {});
    expect(summary).toMatchObject({ mailed: 1 });

    const folder = join(stack.stateDir, 'mail');
    const mails = readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8'));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail).toContain(`To: ${HOSPITAL}`);
    expect(mail).toContain(`You have ${unread} new alert`);
    expect(mail).toContain(`${stack.consoleUrl}/alerts`);
    expect(mail).not.toMatch(new RegExp(`${childId}|Maisie|Thornbury|2018-03-14|Kirkstall|Okafor|Priya`));
    // Announced alerts are not announced again.
    expect(await handler({}, {})).toMatchObject({ mailed: 0, alerts: 0 });
  });

  it('leaves the audit trail sealed and intact, with no error reported', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
