import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#adapters/dynamo/client.ts';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import type { LocalMachineClient } from '#infra/local/client-credentials.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  type Client,
  clientWithToken,
  expectTrailSealedAndIntact,
  type Reply,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * R8 over HTTP: a case management system retries its pushes safely with an Idempotency-Key, through the
 * local gateway, against DynamoDB Local: a retry is answered with the first answer and changes nothing
 * more; the key is the caller's own; a PATCH retried after it succeeded is not refused 412.
 */
let stack: LocalStack;
let db: DynamoDBDocumentClient;
let childId: string;
let leedsCms: LocalMachineClient;
let leedsApp: LocalMachineClient;

const involvement = (practitionerName: string) => ({
  serviceType: 'school-nursing',
  practitionerName,
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
});

async function as(client: LocalMachineClient): Promise<Client> {
  return clientWithToken(stack, await stack.machineTokenFor(client));
}

function push(client: Client, key: string, body: unknown): Promise<Reply> {
  return client.call('POST', `/children/${childId}/involvements`, {
    body,
    headers: { 'idempotency-key': key },
  });
}

/** What a caller was answered: status, body, and the headers that name the result. */
const answerOf = (reply: Reply) => ({
  status: reply.status,
  body: reply.text,
  etag: reply.headers.get('etag'),
  location: reply.headers.get('location'),
});

/** The child's involvements as stored, recorded by this practitioner name (unique to each test). */
async function storedInvolvements(practitionerName: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: stack.tables.involvements,
      KeyConditionExpression: 'childId = :childId',
      ExpressionAttributeValues: { ':childId': childId },
      ConsistentRead: true,
    }),
  );
  return Items.filter((i) => i.practitionerName === practitionerName);
}

/** The audit events a caller's changes wrote (R6), of one action. */
async function auditedChanges(client: LocalMachineClient, action: string): Promise<number> {
  let found = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: stack.tables.audit, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    found += (page.Items ?? []).filter(
      (e) => e.actorId === `client:${client.clientId}` && e.action === action && e.outcome !== 'denied',
    ).length;
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

beforeAll(async () => {
  stack = await startTestStack();
  db = documentClient('eu-west-2', stack.dynamo.endpoint);
  childId = stack.exampleChild?.childId as string;
  expect(childId).toBeDefined();
  leedsCms = await stack.registerMachineClient({
    name: 'leeds-ch-epr',
    organisationId: 'ORG-LEEDS-CH',
    scopes: [INVOLVEMENTS_WRITE_SCOPE],
  });
  leedsApp = await stack.registerMachineClient({
    name: 'leeds-ch-app',
    organisationId: 'ORG-LEEDS-CH',
    scopes: [INVOLVEMENTS_WRITE_SCOPE],
  });
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

describe('a case management system retrying a push with the same Idempotency-Key (R8)', () => {
  const key = randomUUID();
  let first: Reply;

  it('gets the identical first answer — status, body, ETag, Location — and exactly one involvement is recorded and audited', async () => {
    const cms = await as(leedsCms);
    first = await push(cms, key, involvement('Idem Once'));
    expect(first.status, first.text).toBe(201);
    const audited = await auditedChanges(leedsCms, 'register-involvement');
    const retry = await push(cms, key, involvement('Idem Once'));
    expect(answerOf(retry)).toEqual(answerOf(first));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await storedInvolvements('Idem Once')).toHaveLength(1);
    // The replay changed nothing, so it wrote no change event (R6): the one event is the first request's.
    expect(await auditedChanges(leedsCms, 'register-involvement')).toBe(audited);
  });

  it('is refused 422 problem+json when the same key comes with a different body, and nothing more is recorded', async () => {
    const cms = await as(leedsCms);
    const reply = await push(cms, key, { ...involvement('Idem Once'), role: 'Health visitor' });
    expect(reply.status, reply.text).toBe(422);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.json()).toMatchObject({
      type: '/problems/idempotency-key-reused',
      title: 'Idempotency key used for another request',
      status: 422,
    });
    expect(await storedInvolvements('Idem Once')).toHaveLength(1);
    // The first answer is still there for a true retry.
    expect(answerOf(await push(cms, key, involvement('Idem Once')))).toEqual(answerOf(first));
  });

  it('does not stop another client that happens to send the same key: its push is its own', async () => {
    const app = await as(leedsApp);
    const reply = await push(app, key, involvement('Idem Once'));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get('idempotent-replayed')).toBeNull();
    expect(reply.json().involvementId).not.toBe(first.json().involvementId);
    expect(await storedInvolvements('Idem Once')).toHaveLength(2);
  });

  it('never writes twice for duplicates sent at once: each is answered with the first answer or 409 in progress', async () => {
    const cms = await as(leedsCms);
    const racing = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => push(cms, racing, involvement('Idem Racing'))),
    );
    const statuses = replies.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(),
    ).toBe(true);
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.text)).size).toBe(1);
    for (const refused of replies.filter((r) => r.status === 409))
      expect(refused.json().type).toBe('/problems/idempotency-key-in-use');
    expect(await storedInvolvements('Idem Racing')).toHaveLength(1);
  });

  it('refuses a malformed key with 400 naming Idempotency-Key, and records nothing', async () => {
    const cms = await as(leedsCms);
    const reply = await push(cms, 'not a key', involvement('Idem Malformed'));
    expect(reply.status).toBe(400);
    expect(reply.json().errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await storedInvolvements('Idem Malformed')).toHaveLength(0);
  });
});

describe('a PATCH retried with the same Idempotency-Key after it succeeded (R8)', () => {
  it('gets the same answer, not 412, and the involvement’s version moves once', async () => {
    const cms = await as(leedsCms);
    const created = await cms.call('POST', `/children/${childId}/involvements`, {
      body: involvement('Idem Patched'),
    });
    expect(created.status, created.text).toBe(201);
    const path = `/children/${childId}/involvements/${created.json().involvementId}`;
    const change = {
      body: { assessmentCompleted: true },
      headers: { 'if-match': created.headers.get('etag') as string, 'idempotency-key': randomUUID() },
    };
    const first = await cms.call('PATCH', path, change);
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    const retry = await cms.call('PATCH', path, change);
    expect(answerOf(retry)).toEqual(answerOf(first));
    const [stored] = await storedInvolvements('Idem Patched');
    expect(stored?.version).toBe(2);
    // The same retry without the key is what it always was: a change against a stale ETag.
    const withoutKey = await cms.call('PATCH', path, { ...change, headers: { 'if-match': '"1"' } });
    expect(withoutKey.status).toBe(412);
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
