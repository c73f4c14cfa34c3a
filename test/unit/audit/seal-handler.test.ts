import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileSealStore } from '#adapters/audit/seal-store.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';

const db = mockClient(DynamoDBDocumentClient);
const dir = mkdtempSync(join(tmpdir(), 'contactpoint-seal-handler-'));
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<void>;

beforeAll(async () => {
  // The handler reads its seal directory once, at import (cold start): a fresh one for this file.
  process.env.LOCAL_SEAL_DIR = dir;
  db.onAnyCommand().resolves({});
  handler = (await import('#functions/seal-audit-events/handler.ts')).handler;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function event(i: number): AuditEvent {
  return {
    eventId: `EV-${i}`,
    at: new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString(),
    actorId: 'user-1',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action: 'view-child',
    childIds: ['CP000000001'],
    outcome: 'success',
    reason: { code: 'SAFEGUARDING', text: 'Seen in A&E' },
    requestId: `req-${i}`,
    sourceIp: '192.0.2.1',
  };
}

function insert(eventId: string, image: Record<string, AttributeValue>): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: { eventId: { S: eventId } }, NewImage: image as never },
  };
}

describe('the audit stream consumer and poison events (R6, finding 0)', () => {
  it('seals the rest of the batch, counts the poison events and logs them by ID only', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const logged = vi.spyOn(logger, 'error');
    const unreadable = { ...marshall(event(2)), disclosure: {} } as unknown as Record<string, AttributeValue>;
    const { at: _at, ...timeless } = event(3);
    await handler(
      {
        Records: [
          insert('EV-1', marshall(event(1))),
          insert('EV-2', unreadable), // cannot be unmarshalled ("No value defined")
          insert('EV-3', marshall(timeless)), // not an audit event: no time
          insert('EV-4', marshall(event(4))),
        ],
      },
      {} as Context,
    );
    const seals = await new FileSealStore(dir).all();
    expect(seals.flatMap((s) => s.entries.map((e) => e.eventId))).toEqual(['EV-1', 'EV-4']);
    expect(addMetric.mock.calls.filter(([name]) => name === 'AuditPoisonEvents')).toHaveLength(2);
    const poisonLogs = logged.mock.calls.filter(([message]) => String(message).includes('cannot be read'));
    expect(poisonLogs.map(([, details]) => details)).toEqual([{ eventId: 'EV-2' }, { eventId: 'EV-3' }]);
    expect(JSON.stringify(logged.mock.calls)).not.toMatch(/Seen in A&E|CP000000001|user-1/);
  });

  it('when misuse detection still fails after its retries, seals anyway, counts it and logs the batch by event ID only', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const logged = vi.spyOn(logger, 'error');
    // Misuse detection reads the user's account first: make that read fail every time.
    db.on(GetCommand).rejects(new Error('storage down'));
    try {
      await handler(
        { Records: [insert('EV-11', marshall(event(11))), insert('EV-12', marshall(event(12)))] },
        {
          functionName: 'seal-audit-events',
        } as Context,
      );
    } finally {
      db.on(GetCommand).resolves({});
    }
    const seals = await new FileSealStore(dir).all();
    expect(seals.flatMap((s) => s.entries.map((e) => e.eventId))).toEqual(
      expect.arrayContaining(['EV-11', 'EV-12']),
    );
    expect(addMetric.mock.calls.filter(([name]) => name === 'MisuseDetectionFailures')).toHaveLength(1);
    const failures = logged.mock.calls.filter(([message]) =>
      String(message).includes('misuse detection failed'),
    );
    expect(failures.map(([, details]) => details)).toEqual([
      { error: 'Error', eventIds: ['EV-11', 'EV-12'] },
    ]);
    expect(JSON.stringify(logged.mock.calls)).not.toMatch(/Seen in A&E|CP000000001|user-1/);
    expect(db.commandCalls(GetCommand).length).toBeGreaterThanOrEqual(3);
  });
});
