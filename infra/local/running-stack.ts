import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { RUNTIME_FILE } from './stack.ts';

/** What `npm start` writes for the local tools that work against it. */
export interface RunningStack {
  stateDir: string;
  runtime: { dynamoEndpoint: string; tables: TableNames };
}

/**
 * The running local ContactPoint (`npm start`), for a command-line tool: its state folder and endpoints.
 * Exits with code 2, saying why, when none is running.
 */
export function runningStack(): RunningStack {
  const stateDir =
    process.env.CONTACTPOINT_STATE_DIR ?? join(resolve(import.meta.dirname, '..', '..'), '.local');
  const runtimePath = join(stateDir, RUNTIME_FILE);
  if (!existsSync(runtimePath)) {
    console.error('No running ContactPoint found: start it with npm start first.');
    process.exit(2);
  }
  return { stateDir, runtime: JSON.parse(readFileSync(runtimePath, 'utf8')) as RunningStack['runtime'] };
}
