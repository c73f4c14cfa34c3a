import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyringMacKey, sha256Hasher } from '#adapters/audit/seal-keys.ts';
import { FileSealStore, S3SealStore } from '#adapters/audit/seal-store.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { SealStore } from '#domain/audit/seal.ts';
import { type SealDeps, sealAuditEvents } from '#domain/use-cases/seal-audit-events.ts';
import { sealBatches, sealingTable } from '../../bench/sealing.ts';

function event(i: number): AuditEvent {
  return {
    eventId: `EV-${String(i).padStart(6, '0')}`,
    at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    actorId: 'user-1',
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action: 'view-child',
    childIds: ['CP000000001'],
    outcome: 'success',
    requestId: `req-${i}`,
    sourceIp: '192.0.2.1',
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'contactpoint-seal-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function depsWith(seals: SealStore): SealDeps {
  return {
    seals,
    key: new LocalKeyringMacKey(join(dir, 'keyring.json')),
    hasher: sha256Hasher,
    now: () => new Date('2026-11-01T12:00:00Z'),
  };
}

describe('R6 sealing at constant cost (finding 3)', () => {
  it('seals 10,000 batches with the same file operations for each, listing no seals', async () => {
    const run = await sealBatches(10_000);
    const early = run.operations.slice(0, 1000);
    const late = run.operations.slice(9000);
    // The first seal has no head to read; from the second on, every seal costs exactly the same.
    expect(new Set(early.slice(1).map((ops) => JSON.stringify(ops))).size).toBe(1);
    expect(late.map((ops) => JSON.stringify(ops))).toEqual(late.map(() => JSON.stringify(early[1])));
    expect(run.operations.every((ops) => !ops.readdirSync)).toBe(true);
    console.log(sealingTable(run));
  }, 300_000);

  it('finds the head from a stale, missing or false hint by probing forward, never past an absent seal', async () => {
    const store = new FileSealStore(join(dir, 'seals'));
    const deps = depsWith(store);
    for (let i = 0; i < 5; i++) await sealAuditEvents(deps, [event(i)]);
    expect((await store.head())?.sequence).toBe(5);
    for (const hint of ['{"sequence":2}', '{"sequence":99}', '{"sequence":0}']) {
      writeFileSync(join(dir, 'seals', 'head.json'), hint);
      expect((await store.head())?.sequence).toBe(5);
    }
    rmSync(join(dir, 'seals', 'head.json'));
    expect((await store.head())?.sequence).toBe(5);
    await sealAuditEvents(deps, [event(5)]);
    expect((await store.head())?.sequence).toBe(6);
    expect((await store.all()).map((s) => s.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('does not seal a retried batch twice: events already in the head seal are dropped', async () => {
    const store = new FileSealStore(join(dir, 'seals'));
    const deps = depsWith(store);
    const batch = [event(1), event(2)];
    expect(await sealAuditEvents(deps, batch)).toHaveLength(1);
    // The handler threw after sealing (say, filing the index failed): the same records come again.
    expect(await sealAuditEvents(deps, batch)).toEqual([]);
    const [more] = await sealAuditEvents(deps, [...batch, event(3)]);
    expect(more?.entries.map((e) => e.eventId)).toEqual([event(3).eventId]);
    expect((await store.all()).flatMap((s) => s.entries.map((e) => e.eventId))).toEqual(
      [1, 2, 3].map((i) => event(i).eventId),
    );
  });

  it('keeps each batch’s full events before its seal, and seals under a number only what was kept there', async () => {
    const store = new FileSealStore(join(dir, 'seals'));
    const deps = depsWith(store);
    // A sealer kept events 1 and 2 for seal 1, then stopped before writing the seal.
    await store.keepEvents(1, [event(1), event(2)]);
    const seals = await sealAuditEvents(deps, [event(1), event(2), event(3)]);
    expect(seals.map((s) => [s.sequence, s.entries.map((e) => e.eventId)])).toEqual([
      [1, [event(1).eventId, event(2).eventId]],
      [2, [event(3).eventId]],
    ]);
    expect(await store.keptEvents(2)).toEqual([event(3)]);
    expect(await store.keptEvents(3)).toBeUndefined();
    // The same records again (the handler failed after sealing): nothing is sealed twice, across both seals.
    expect(await sealAuditEvents(deps, [event(1), event(2), event(3)])).toEqual([]);
    expect((await store.all()).map((s) => s.sequence)).toEqual([1, 2]);
  });

  it('reports a seal written twice as an object with more than one version', async () => {
    const store = new FileSealStore(join(dir, 'seals'));
    await sealAuditEvents(depsWith(store), [event(1)]);
    expect(await store.replacedObjects()).toEqual([]);
    store.addVersionForTest('000000000001.json', '{}');
    store.addVersionForTest('000000000001.json', '{}');
    store.addVersionForTest('events/000000000001.json', '[]');
    expect(await store.replacedObjects()).toEqual([
      { key: '000000000001.json', sequence: 1, versions: 3 },
      { key: 'events/000000000001.json', sequence: 1, versions: 2 },
    ]);
  });
});

describe('R6 sealing into S3 (finding 3, in an in-memory bucket)', () => {
  const s3 = mockClient(S3Client);
  const objects = new Map<string, string[]>();
  const missing = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

  beforeEach(() => {
    s3.reset();
    objects.clear();
    s3.on(PutObjectCommand).callsFake(({ Key, Body, IfNoneMatch }) => {
      const versions = objects.get(Key) ?? [];
      if (IfNoneMatch === '*' && versions.length > 0)
        throw Object.assign(new Error('At least one of the pre-conditions failed'), {
          name: 'PreconditionFailed',
        });
      objects.set(Key, [...versions, String(Body)]);
      return {};
    });
    s3.on(GetObjectCommand).callsFake(({ Key }) => {
      const latest = objects.get(Key)?.at(-1);
      if (latest === undefined) throw missing();
      return { Body: { transformToString: async () => latest } };
    });
    s3.on(ListObjectsV2Command).callsFake(({ Prefix, MaxKeys }) => ({
      Contents: [...objects.keys()]
        .filter((k) => k.startsWith(Prefix ?? ''))
        .sort()
        .slice(0, MaxKeys ?? 1000)
        .map((Key) => ({ Key })),
    }));
    s3.on(ListObjectVersionsCommand).callsFake(({ Prefix }) => ({
      Versions: [...objects].flatMap(([Key, versions]) =>
        Key.startsWith(Prefix ?? '') ? versions.map((_, i) => ({ Key, VersionId: String(i) })) : [],
      ),
    }));
  });

  it('makes the same S3 calls for every seal however long the chain, each write under the prefix write-once', async () => {
    const store = new S3SealStore(new S3Client({ region: 'eu-west-2' }), 'trail-bucket');
    const deps = depsWith(store);
    const perSeal: string[] = [];
    for (let i = 0; i < 300; i++) {
      const before = s3.calls().length;
      await sealAuditEvents(deps, [event(i)]);
      perSeal.push(
        s3
          .calls()
          .slice(before)
          .map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name)
          .join(','),
      );
    }
    expect(new Set(perSeal.slice(1)).size).toBe(1);
    const calls = perSeal.at(-1)?.split(',') ?? [];
    console.log(`S3 calls per seal (seal 2 to 300, each the same): ${calls.length}: ${calls.join(', ')}`);
    expect(calls).not.toContain('ListObjectVersionsCommand');
    for (const call of s3.commandCalls(PutObjectCommand)) {
      const { Key, IfNoneMatch } = call.args[0].input;
      if (Key?.startsWith('audit-seals/')) expect(IfNoneMatch).toBe('*');
      else expect(Key).toBe('audit-seal-head.json');
    }
    expect((await store.head())?.sequence).toBe(300);
    // Without ListBucket on a key, S3 answers a missing object 403: the store looks before concluding.
    objects.delete('audit-seal-head.json');
    s3.on(GetObjectCommand, { Key: 'audit-seal-head.json' }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    expect((await store.head())?.sequence).toBe(300);
    s3.on(GetObjectCommand, { Key: 'audit-seals/000000000300.json' }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    await expect(store.head()).rejects.toThrow('Access Denied');
    expect(await store.keptEvents(300)).toEqual([event(299)]);
    expect(await store.replacedObjects()).toEqual([]);
    // What a principal with s3:PutObject could do without the bucket policy: a second version.
    objects.get('audit-seals/000000000007.json')?.push('{}');
    expect(await store.replacedObjects()).toEqual([
      { key: 'audit-seals/000000000007.json', sequence: 7, versions: 2 },
    ]);
  });
});
