import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

// R10: a threshold of distinct children small enough to reach in a test, read at cold start like Lambda's.
const THRESHOLD = 3;
process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY = String(THRESHOLD);

const NURSE = 'practitioner@leeds-th.example.nhs.uk';
const LEEDS_AUDITOR = 'auditor@leeds.example.gov.uk';
const BRADFORD_AUDITOR = 'auditor@bradford.example.gov.uk';
const CHILDREN = [
  { givenName: 'Orla', familyName: 'Pennington', gender: 'female', dateOfBirth: '2017-02-11' },
  { givenName: 'Reuben', familyName: 'Castellano', gender: 'male', dateOfBirth: '2015-09-23' },
  { givenName: 'Sienna', familyName: 'Blackwood', gender: 'female', dateOfBirth: '2019-06-30' },
];

let stack: LocalStack;
let nurse: Client;
let auditor: Client;
let alert: Record<string, unknown>;
const childIds: string[] = [];
const userIdOf = (email: string) => stack.state.users.find((u) => u.email === email)?.userId;

beforeAll(async () => {
  stack = await startTestStack(20);
  const dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  for (const child of CHILDREN) {
    const created = await dataManager.call('POST', '/children', { body: child });
    expect(created.status, created.text).toBe(201);
    childIds.push(created.json().childId);
  }
  nurse = await clientFor(stack, NURSE);
  auditor = await clientFor(stack, LEEDS_AUDITOR);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY;
});

describe('R10 misuse alerts, read and reviewed by the auditors over HTTP', () => {
  it('raises many-children for the Leeds auditors once a practitioner’s searches have returned enough distinct children', async () => {
    // Searches only, no views: the children a search returned count as seen.
    for (const child of CHILDREN) {
      const query = new URLSearchParams({ ...child, reason: 'SAFEGUARDING' });
      query.delete('gender');
      const reply = await nurse.call('GET', `/children?${query}`);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json().matches.length).toBeGreaterThan(0);
    }
    const alerts = await alertsReaching(stack, LEEDS_AUDITOR, 'many-children');
    expect(alerts).toEqual([
      expect.objectContaining({
        rule: 'many-children',
        subjectUserId: userIdOf(NURSE),
        subjectEmail: NURSE,
        organisationId: 'ORG-LEEDS-TH',
        status: 'open',
        etag: '"1"',
      }),
    ]);
    alert = alerts[0] as Record<string, unknown>;
    // An alert names the user and the rule, never a child.
    const text = JSON.stringify(alerts);
    for (const id of childIds) expect(text).not.toContain(id);
    expect(text).not.toMatch(/Pennington|Castellano|Blackwood|2017-02-11/);
  });

  it('lets the auditor record an outcome only against the alert’s current ETag, recording who and when', async () => {
    const path = `/audit/alerts/${alert.alertId}`;
    const body = { outcome: 'investigating', note: 'Asked the ward manager about these searches' };
    const without = await auditor.call('PATCH', path, { body });
    expect(without.status, without.text).toBe(428);
    const stale = await auditor.call('PATCH', path, { body, headers: { 'if-match': '"7"' } });
    expect(stale.status, stale.text).toBe(412);
    const extra = await auditor.call('PATCH', path, {
      body: { ...body, status: 'closed' },
      headers: { 'if-match': '"1"' },
    });
    expect(extra.status, extra.text).toBe(400);
    // If-Match compares strongly (RFC 9110): a weak or rewritten ETag is not the one issued.
    for (const etag of ['W/"1"', '"01"']) {
      const loose = await auditor.call('PATCH', path, { body, headers: { 'if-match': etag } });
      expect(loose.status, loose.text).toBe(400);
      expect(loose.json().errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    }

    const reviewed = await auditor.call('PATCH', path, { body, headers: { 'if-match': '"1"' } });
    expect(reviewed.status, reviewed.text).toBe(200);
    expect(reviewed.headers.get('etag')).toBe('"2"');
    expect(reviewed.json()).toMatchObject({
      alertId: alert.alertId,
      status: 'investigating',
      note: body.note,
      reviewedBy: userIdOf(LEEDS_AUDITOR),
      etag: '"2"',
    });
    expect(Date.now() - Date.parse(reviewed.json().reviewedAt)).toBeLessThan(60_000);
    // Each review is kept in the alert's history, not overwritten by the next.
    expect(reviewed.json().reviews).toEqual([
      {
        outcome: 'investigating',
        note: body.note,
        by: userIdOf(LEEDS_AUDITOR),
        at: reviewed.json().reviewedAt,
      },
    ]);
    // The ETag read before the change is now stale.
    const again = await auditor.call('PATCH', path, {
      body: { outcome: 'referred' },
      headers: { 'if-match': '"1"' },
    });
    expect(again.status, again.text).toBe(412);

    const investigating = await auditor.call('GET', '/audit/alerts?status=investigating');
    expect(investigating.status).toBe(200);
    expect(investigating.json().alerts).toEqual([
      expect.objectContaining({ alertId: alert.alertId, status: 'investigating', note: body.note }),
    ]);
    const open = await auditor.call('GET', '/audit/alerts?status=open');
    expect(open.json().alerts.map((a: { alertId: string }) => a.alertId)).not.toContain(alert.alertId);
  });

  it('pages the list with an opaque cursor that only this organisation’s list accepts', async () => {
    const first = await auditor.call('GET', '/audit/alerts?limit=1');
    expect(first.status, first.text).toBe(200);
    expect(first.json().alerts).toHaveLength(1);
    const next = first.json().next;
    expect(typeof next).toBe('string');
    const second = await auditor.call('GET', `/audit/alerts?limit=1&cursor=${next}`);
    expect(second.status, second.text).toBe(200);
    expect(second.json().alerts.map((a: { alertId: string }) => a.alertId)).not.toContain(
      first.json().alerts[0].alertId,
    );
    const bradford = await clientFor(stack, BRADFORD_AUDITOR);
    const elsewhere = await bradford.call('GET', `/audit/alerts?cursor=${next}`);
    expect(elsewhere.status, elsewhere.text).toBe(400);
    const forged = await auditor.call('GET', '/audit/alerts?cursor=bm90LWEtY3Vyc29y');
    expect(forged.status, forged.text).toBe(400);
    const notNumber = await auditor.call('GET', '/audit/alerts?limit=abc');
    expect(notNumber.status, notNumber.text).toBe(400);
    expect(notNumber.json().errors).toEqual([{ field: 'limit', message: 'must be a number' }]);
  });

  it('hides the alert from another council’s auditor, who can neither list nor change it', async () => {
    const bradford = await clientFor(stack, BRADFORD_AUDITOR);
    const listed = await bradford.call('GET', '/audit/alerts?limit=100');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json().alerts.map((a: { alertId: string }) => a.alertId)).not.toContain(alert.alertId);
    const changed = await bradford.call('PATCH', `/audit/alerts/${alert.alertId}`, {
      body: { outcome: 'no-case' },
      headers: { 'if-match': '"2"' },
    });
    expect(changed.status, changed.text).toBe(404);
    const unchanged = await auditor.call('GET', '/audit/alerts?status=investigating');
    expect(unchanged.json().alerts[0]).toMatchObject({ alertId: alert.alertId, etag: '"2"' });
  });

  it('refuses practitioners both routes (403)', async () => {
    expect((await nurse.call('GET', '/audit/alerts')).status).toBe(403);
    const patch = await nurse.call('PATCH', `/audit/alerts/${alert.alertId}`, {
      body: { outcome: 'no-case' },
      headers: { 'if-match': '"2"' },
    });
    expect(patch.status).toBe(403);
  });

  it('puts the auditor’s list and review in their own user trail (R6)', async () => {
    const auditorId = userIdOf(LEEDS_AUDITOR);
    let actions: string[] = [];
    for (let i = 0; i < 80 && !actions.includes('review-misuse-alert'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const trail = await auditor.call('GET', `/audit/users/${auditorId}`);
      expect(trail.status, trail.text).toBe(200);
      actions = trail.json().entries.map((e: { action: string }) => e.action);
    }
    expect(actions).toEqual(expect.arrayContaining(['list-misuse-alerts', 'review-misuse-alert']));
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
