import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKeyringMacKey, sha256Hasher } from '#adapters/audit/seal-keys.ts';
import { FileSealStore, type SealFiles } from '#adapters/audit/seal-store.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { sealAuditEvents } from '#domain/use-cases/seal-audit-events.ts';
import { mean, percentile, table } from './stats.ts';

export interface SealingRun {
  /** File operations made by each seal, by kind, in order: seal i is at index i - 1. */
  operations: Record<string, number>[];
  /** Milliseconds each seal took. */
  millis: number[];
}

function eventFor(i: number): AuditEvent {
  return {
    eventId: `EV-${String(i).padStart(8, '0')}`,
    at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    actorId: `user-${i % 7}`,
    organisationId: 'ORG-LEEDS-CH',
    roles: ['practitioner'],
    action: 'view-child',
    childIds: [`CP${String(i % 1000).padStart(9, '0')}`],
    outcome: 'success',
    reason: { code: 'SAFEGUARDING' },
    requestId: `req-${i}`,
    sourceIp: '192.0.2.1',
  };
}

/**
 * Seals `count` batches of `batchSize` events one after another into a file seal store in a fresh
 * temporary directory, as the stream consumer would, counting every file operation each seal makes.
 */
export async function sealBatches(count: number, batchSize = 3): Promise<SealingRun> {
  const dir = mkdtempSync(join(tmpdir(), 'contactpoint-sealing-'));
  try {
    let current: Record<string, number> = {};
    const counted = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
      ((...args: Parameters<F>) => {
        current[name] = (current[name] ?? 0) + 1;
        return fn(...args);
      }) as F;
    const files: SealFiles = {
      existsSync: counted('existsSync', existsSync),
      mkdirSync: counted('mkdirSync', mkdirSync),
      readdirSync: counted('readdirSync', readdirSync),
      readFileSync: counted('readFileSync', readFileSync),
      renameSync: counted('renameSync', renameSync),
      writeFileSync: counted('writeFileSync', writeFileSync),
    };
    const deps = {
      seals: new FileSealStore(join(dir, 'audit-seals'), files),
      key: new LocalKeyringMacKey(join(dir, 'keyring.json')),
      hasher: sha256Hasher,
      now: () => new Date(),
    };
    const run: SealingRun = { operations: [], millis: [] };
    for (let i = 0; i < count; i++) {
      const events = Array.from({ length: batchSize }, (_, j) => eventFor(i * batchSize + j));
      current = {};
      const started = performance.now();
      const seals = await sealAuditEvents(deps, events);
      run.millis.push(performance.now() - started);
      if (seals.length !== 1) throw new Error(`batch ${i + 1} made ${seals.length} seals`);
      run.operations.push(current);
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const total = (ops: Record<string, number>) => Object.values(ops).reduce((a, b) => a + b, 0);

/** The table `npm run bench -- sealing` prints: cost per seal early and late in a chain of `count`. */
export function sealingTable(run: SealingRun): string {
  const count = run.millis.length;
  const slice = Math.min(1000, Math.floor(count / 2));
  const ranges: [number, number][] = [
    [0, slice],
    [count - slice, count],
  ];
  const rows = ranges.map(([from, to]) => {
    const millis = run.millis.slice(from, to);
    const ops = run.operations.slice(from, to).map(total);
    return [
      `seals ${from + 1}–${to}`,
      mean(millis).toFixed(3),
      percentile(millis, 50).toFixed(3),
      percentile(millis, 99).toFixed(3),
      `${Math.min(...ops)}–${Math.max(...ops)}`,
    ];
  });
  return [
    `Sealing ${count} batches into the local seal store (3 events each; HMAC with the local keyring)`,
    table([['seals', 'mean ms', 'p50 ms', 'p99 ms', 'file operations per seal'], ...rows]),
    `operations per seal, by kind: ${JSON.stringify(run.operations.at(-1))}`,
  ].join('\n');
}
