import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { contactPointIdFrom } from '#domain/identifiers/contactpoint-id.ts';
import { handler as register } from '#functions/register-involvement/handler.ts';
import { handler as update } from '#functions/update-involvement/handler.ts';
import { aChild, anInvolvement } from '../../support/builders.ts';
import { apiEvent, lambdaContext, mockDirectory } from '../../support/events.ts';

/**
 * R8: pushes retried safely with an Idempotency-Key. The handlers run with their real middleware and the
 * Powertools DynamoDB persistence layer; the idempotency table is a small in-memory stand-in behind the
 * mocked DynamoDB client that honours the library's write condition, so the sequences below behave as
 * they would against DynamoDB.
 */
const db = mockClient(DynamoDBDocumentClient);
const idempotencyTable = mockClient(DynamoDBClient);
let stored: Map<string, Record<string, AttributeValue>>;

function emulateIdempotencyTable() {
  stored = new Map();
  idempotencyTable.reset();
  idempotencyTable.on(PutItemCommand).callsFake((input) => {
    const id = input.Item.id.S as string;
    const existing = stored.get(id);
    const now = Date.now();
    const lapsed =
      existing !== undefined &&
      (Number(existing.expiresAt?.N) < now / 1000 ||
        (existing.status?.S === 'INPROGRESS' && Number(existing.inProgressExpiresAt?.N) < now));
    if (existing && !lapsed) {
      throw new ConditionalCheckFailedException({ message: 'taken', $metadata: {}, Item: existing });
    }
    stored.set(id, { ...input.Item });
    return {};
  });
  idempotencyTable.on(UpdateItemCommand).callsFake((input) => {
    const id = input.Key.id.S as string;
    const item = { ...(stored.get(id) ?? input.Key) };
    for (const assignment of (input.UpdateExpression as string).replace(/^SET /, '').split(', ')) {
      const [name, value] = assignment.split(' = ') as [string, string];
      item[input.ExpressionAttributeNames[name]] = input.ExpressionAttributeValues[value];
    }
    stored.set(id, item);
    return {};
  });
  idempotencyTable.on(DeleteItemCommand).callsFake((input) => {
    stored.delete(input.Key.id.S as string);
    return {};
  });
  idempotencyTable.on(GetItemCommand).callsFake((input) => ({ Item: stored.get(input.Key.id.S as string) }));
}

const child = aChild();
const machineClaims = (clientId: string) => ({
  sub: clientId,
  client_id: clientId,
  token_use: 'access',
  scope: 'contactpoint/involvements.write',
});
const machineClients = {
  machineClients: [
    { clientId: 'cms-leeds-ch', name: 'Leeds CH EPR', organisationId: 'ORG-LEEDS-CH', status: 'active' },
    { clientId: 'cms-leeds-ch-2', name: 'Leeds CH app', organisationId: 'ORG-LEEDS-CH', status: 'active' },
  ],
};
const body = {
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
};
const KEY = '6f1c1b9e-4d0a-4b7e-9a52-1f0e3c2d4b5a';

function push(options: { key?: string; body?: unknown; clientId?: string; childId?: string } = {}) {
  const childId = options.childId ?? child.childId;
  return register(
    apiEvent({
      path: `/children/${childId}/involvements`,
      method: 'POST',
      pathParameters: { childId },
      claims: machineClaims(options.clientId ?? 'cms-leeds-ch'),
      body: options.body ?? body,
      headers: options.key === undefined ? {} : { 'Idempotency-Key': options.key },
    }) as Parameters<typeof register>[0],
    lambdaContext,
  );
}

const changes = () => db.commandCalls(TransactWriteCommand).length;
const answer = (r: { statusCode: number; body: string; headers?: Record<string, unknown> }) => ({
  status: r.statusCode,
  body: JSON.parse(r.body),
  etag: r.headers?.ETag,
  location: r.headers?.Location,
});

beforeEach(() => {
  db.reset();
  emulateIdempotencyTable();
  mockDirectory(db, GetCommand, machineClients);
  db.on(GetCommand, { TableName: 'unit-children' }).resolves({ Item: { ...child, sk: 'RECORD' } });
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
  db.on(TransactWriteCommand).resolves({});
});

describe('POST …/involvements with an Idempotency-Key (R8)', () => {
  it('answers a retry with the same key and body with the first answer — status, body, ETag, Location — and registers nothing more', async () => {
    const first = await push({ key: KEY });
    expect(first.statusCode, first.body).toBe(201);
    const retry = await push({ key: KEY });
    expect(answer(retry)).toEqual(answer(first));
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(first.headers?.['Idempotent-Replayed']).toBeUndefined();
    expect(changes()).toBe(1);
  });

  it('refuses the same key with another body or for another child with 422, and keeps the first answer for true retries', async () => {
    const first = await push({ key: KEY });
    const otherBody = await push({ key: KEY, body: { ...body, role: 'Health visitor' } });
    expect(otherBody.statusCode).toBe(422);
    expect(otherBody.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(otherBody.body)).toMatchObject({
      type: '/problems/idempotency-key-reused',
      title: 'Idempotency key used for another request',
      status: 422,
    });
    expect(otherBody.body).not.toMatch(/powertools|dynamo|hash|payload/i);
    const otherChild = contactPointIdFrom(new Uint8Array(16).fill(7));
    const elsewhere = await push({ key: KEY, childId: otherChild });
    expect(elsewhere.statusCode, elsewhere.body).toBe(422);
    expect(idempotencyTable).not.toHaveReceivedCommand(DeleteItemCommand);
    expect(answer(await push({ key: KEY }))).toEqual(answer(first));
    expect(changes()).toBe(1);
  });

  it('answers a duplicate that arrives while the first is still in progress with 409, never a second change, and leaves the first to finish', async () => {
    let release: () => void = () => undefined;
    db.on(TransactWriteCommand).callsFake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({});
        }),
    );
    const first = push({ key: KEY });
    await expect.poll(() => changes()).toBe(1);
    const duplicate = await push({ key: KEY });
    expect(duplicate.statusCode).toBe(409);
    expect(JSON.parse(duplicate.body)).toMatchObject({
      type: '/problems/idempotency-key-in-use',
      title: 'A request with this key is in progress',
    });
    release();
    expect((await first).statusCode).toBe(201);
    expect(idempotencyTable).not.toHaveReceivedCommand(DeleteItemCommand);
    expect((await push({ key: KEY })).headers?.['Idempotent-Replayed']).toBe('true');
    expect(changes()).toBe(1);
  });

  it('keeps each caller’s keys apart: another client sending the same key registers its own involvement', async () => {
    const ours = await push({ key: KEY });
    const theirs = await push({ key: KEY, clientId: 'cms-leeds-ch-2' });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers?.['Idempotent-Replayed']).toBeUndefined();
    expect(JSON.parse(theirs.body).involvementId).not.toBe(JSON.parse(ours.body).involvementId);
    expect(changes()).toBe(2);
  });

  it('releases the key when the change is refused, so a corrected retry with the same key goes ahead', async () => {
    db.on(GetCommand, { TableName: 'unit-children' }).resolves({});
    const refused = await push({ key: KEY });
    expect(refused.statusCode).toBe(404);
    expect(idempotencyTable).toHaveReceivedCommand(DeleteItemCommand);
    expect(stored.size).toBe(0);
    db.on(GetCommand, { TableName: 'unit-children' }).resolves({ Item: { ...child, sk: 'RECORD' } });
    const retried = await push({ key: KEY });
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers?.['Idempotent-Replayed']).toBeUndefined();
    expect(changes()).toBe(1);
  });

  it('refuses a malformed key with 400 naming Idempotency-Key, before anything is taken or changed', async () => {
    for (const key of ['', 'two words', 'k'.repeat(256), 'naïve']) {
      const response = await push({ key });
      expect(response.statusCode, key).toBe(400);
      expect(JSON.parse(response.body).errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key' }),
      ]);
    }
    expect(idempotencyTable.calls()).toHaveLength(0);
    expect(changes()).toBe(0);
    expect((await push({ key: 'k'.repeat(255) })).statusCode).toBe(201);
  });

  it('behaves as before without the header: every push registers, nothing is kept', async () => {
    await push();
    await push();
    expect(changes()).toBe(2);
    expect(idempotencyTable.calls()).toHaveLength(0);
  });

  it('keeps the answer for 24 hours under an ID that names neither the caller nor the key', async () => {
    const first = await push({ key: KEY });
    const [[id, item]] = [...stored.entries()] as [[string, Record<string, AttributeValue>]];
    expect(id).toMatch(/^registerInvolvement#/);
    expect(id).not.toContain(KEY);
    expect(id).not.toContain('cms-leeds-ch');
    const record = unmarshall(item);
    expect(record.status).toBe('COMPLETED');
    expect(record.expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_400 - 60);
    expect(record.expiresAt).toBeLessThanOrEqual(Date.now() / 1000 + 86_400 + 1);
    expect(record.answer).toEqual({ ...first, headers: first.headers });
  });

  it('still gives the caller its answer when the answer cannot be kept (the change stands)', async () => {
    idempotencyTable.on(UpdateItemCommand).rejects(new Error('throttled'));
    const first = await push({ key: KEY });
    expect(first.statusCode).toBe(201);
    expect(changes()).toBe(1);
  });
});

describe('PATCH …/involvements/{id} with an Idempotency-Key (R8)', () => {
  const ours = anInvolvement({ childId: child.childId, recordedBy: 'client:cms-leeds-ch' });
  const patch = (key?: string) =>
    update(
      apiEvent({
        path: `/children/${child.childId}/involvements/${ours.involvementId}`,
        method: 'PATCH',
        pathParameters: { childId: child.childId, involvementId: ours.involvementId },
        claims: machineClaims('cms-leeds-ch'),
        body: { assessmentCompleted: true },
        headers: { 'If-Match': '"1"', ...(key !== undefined && { 'Idempotency-Key': key }) },
      }) as Parameters<typeof update>[0],
      lambdaContext,
    );

  it('answers a retry after the change succeeded with the first answer, not 412, and bumps no version', async () => {
    db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: ours });
    const first = await patch(KEY);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers?.ETag).toBe('"2"');
    // The involvement is now at version 2: the If-Match the retry repeats is stale.
    db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: { ...ours, version: 2 } });
    const retry = await patch(KEY);
    expect(answer(retry)).toEqual(answer(first));
    expect(changes()).toBe(1);
    // Without the key the same retry is a stale change.
    expect((await patch()).statusCode).toBe(412);
  });

  it('keeps PATCH keys apart from POST keys: the same key on the other route is a new request', async () => {
    db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: ours });
    expect((await push({ key: KEY })).statusCode).toBe(201);
    const patched = await patch(KEY);
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.headers?.['Idempotent-Replayed']).toBeUndefined();
  });
});
