import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '#adapters/dynamo/directory-repository.ts';
import { DynamoInvolvementRepository } from '#adapters/dynamo/involvement-repository.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { ROLES, type Role } from '#domain/access/principal.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { ROUTES } from '#http/routes.ts';
import { type CognitoLocal, createPool, enrolTotp, type Pool, signIn, startCognitoLocal } from './cognito.ts';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal, tableNames } from './dynamodb.ts';
import { createGateway } from './gateway.ts';
import { LOCAL_ORGANISATIONS, LOCAL_USERS, localAccount } from './organisations.ts';
import { pollStream } from './stream-poller.ts';
import { syntheticChildren } from './synthetic.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const REGION = 'eu-west-2';

export interface LocalStackOptions {
  /** Keep DynamoDB and Cognito state here across restarts; without it everything is temporary. */
  stateDir?: string;
  /** Wipe stateDir first (`npm start -- --reset`). */
  reset?: boolean;
  /** Gateway port; 0 picks a free one. */
  port: number;
  /** How many synthetic children to seed into empty tables. */
  seedCount: number;
  /** Serve at once and seed behind (npm start); otherwise seeding finishes before the stack is returned. */
  seedInBackground?: boolean;
  progress?: (message: string) => void;
}

interface SavedState {
  cognitoPort: number;
  pool: Pool;
  password: string;
  users: { email: string; role: Role; userId: string; totpSecret: string }[];
  /** How many synthetic children were fully seeded; an interrupted seed runs again on the next start. */
  seededChildren?: number;
}

export interface LocalStack {
  url: string;
  /** Where this stack keeps its state (seals, keyring, runtime endpoints). */
  stateDir: string;
  tables: TableNames;
  dynamo: DynamoDbLocal;
  cognito: CognitoLocal;
  state: SavedState;
  /** Settles when seeding has finished (at once when there was nothing to seed). */
  seeding: Promise<void>;
  /** A seeded child who is not shielded, for the instructions and for smoke tests. */
  exampleChild: Pick<ChildRecord, 'childId' | 'givenName' | 'familyName' | 'dateOfBirth'> | undefined;
  /** An ID token for the first seeded user of `role` (or for the user with that e-mail). */
  tokenFor(roleOrEmail: Role | string): Promise<string>;
  stop(): Promise<void>;
}

export const STATE_FILE = 'state.json';
/** Where this run's endpoints are, for commands such as `npm run audit:verify`. */
export const RUNTIME_FILE = 'runtime.json';

function userIdFromToken(idToken: string): string {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
  };
  return payload.sub;
}

export function pickUser(state: Pick<SavedState, 'users'>, roleOrEmail: string) {
  return state.users.find((u) => u.email === roleOrEmail) ?? state.users.find((u) => u.role === roleOrEmail);
}

async function setUpIdentity(cognito: CognitoLocal, cognitoPort: number): Promise<SavedState> {
  const password = `Local-${randomBytes(12).toString('base64url')}1!`;
  const pool = await createPool(
    cognito,
    ROLES,
    LOCAL_USERS.map((u) => ({
      email: u.email,
      password,
      groups: [u.role],
      attributes: { 'custom:organisationId': u.organisationId },
    })),
  );
  const users = [];
  for (const u of LOCAL_USERS) {
    const totpSecret = await enrolTotp(cognito.client, pool.clientId, u.email, password);
    const userId = userIdFromToken(
      await signIn(cognito.client, pool.clientId, u.email, password, totpSecret),
    );
    users.push({ email: u.email, role: u.role, userId, totpSecret });
  }
  return { cognitoPort, pool, password, users };
}

/**
 * The local stand-in for the AWS deployment: DynamoDB Local with the shared table definitions,
 * cognito-local with one user per role, synthetic children, and the gateway in front of the handlers.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const progress = options.progress ?? (() => undefined);
  const temporary = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'contactpoint-'));
  if (options.reset) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, STATE_FILE);
  const saved: SavedState | undefined = existsSync(statePath)
    ? JSON.parse(readFileSync(statePath, 'utf8'))
    : undefined;

  progress('starting DynamoDB Local');
  const dynamo = await startDynamoDbLocal(temporary ? {} : { dataDir: join(stateDir, 'dynamodb') });
  progress('starting cognito-local');
  let cognito: CognitoLocal;
  try {
    cognito = await startCognitoLocal(join(stateDir, 'cognito'), saved?.cognitoPort);
  } catch (error) {
    await dynamo.stop();
    throw new Error(
      `cognito-local could not start${saved ? ` on port ${saved.cognitoPort} (in use? run npm start -- --reset)` : ''}`,
      { cause: error },
    );
  }
  const stopServices = async () => {
    await Promise.all([dynamo.stop(), cognito.stop()]);
    if (temporary) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const state = saved ?? (await setUpIdentity(cognito, Number(new URL(cognito.endpoint).port)));
    writeFileSync(statePath, JSON.stringify(state, null, 2), { mode: 0o600 });

    const tables = tableNames('contactpoint');
    // Only the audit table streams locally: its consumer seals the trail (R6), and it sees no bulk writes.
    const created = await ensureTables(dynamo.client, tables, ['audit']);
    const db = documentClient(REGION, dynamo.endpoint);
    const children = new DynamoChildRepository(db, tables);
    const directory = new DynamoDirectoryRepository(db, tables);
    const data = syntheticChildren(options.seedCount);
    const exampleChild = data.children.find((c) => !c.shield);
    const needsSeed = !(created.length === 0 && state.seededChildren === options.seedCount);
    // Deterministic data and idempotent puts: seeding again after an interruption simply completes it.
    const seed = async () => {
      if (!needsSeed) return;
      const started = Date.now();
      const chunk = 1000;
      for (let i = 0; i < data.children.length; i += chunk) {
        await children.importRecords(data.children.slice(i, i + chunk));
        progress(`seeding children ${Math.min(i + chunk, data.children.length)}/${data.children.length}`);
      }
      await new DynamoInvolvementRepository(db, tables).importInvolvements(data.involvements);
      state.seededChildren = options.seedCount;
      writeFileSync(statePath, JSON.stringify(state, null, 2), { mode: 0o600 });
      progress(
        `seeded ${data.children.length} children (${data.children.filter((c) => c.shield).length} shielded) and ` +
          `${data.involvements.length} involvements in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    };
    // Before serving, the example child at least is in, so the search printed at start-up works at once.
    if (needsSeed && exampleChild) await children.importRecords([exampleChild]);
    let seeding: Promise<void> = options.seedInBackground ? Promise.resolve() : seed();
    await seeding;
    for (const organisation of LOCAL_ORGANISATIONS) await directory.putOrganisation(organisation);
    // Accounts are (re)written at every start so the seeded vetting dates stay current.
    await directory.importAccounts(
      state.users.flatMap((user) => {
        const local = LOCAL_USERS.find((u) => u.email === user.email);
        return local ? [localAccount(local, user.userId, new Date())] : [];
      }),
    );

    // Handlers read their configuration once, at import (cold start), exactly as in Lambda.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      CHILDREN_TABLE: tables.children,
      INVOLVEMENTS_TABLE: tables.involvements,
      AUDIT_TABLE: tables.audit,
      DIRECTORY_TABLE: tables.directory,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      USER_POOL_ID: state.pool.userPoolId,
      COGNITO_ENDPOINT: cognito.endpoint,
      // One process serves every route here, so no cache is needed to keep lookups cheap, and a
      // suspension bites on the very next request.
      ACCOUNT_CACHE_SECONDS: process.env.ACCOUNT_CACHE_SECONDS ?? '0',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // No CloudWatch here: EMF lines would only clutter the console.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // The stand-ins for the KMS HMAC key and the Object Lock bucket that seal the audit trail.
      LOCAL_KEYRING_FILE: join(stateDir, 'keyring.json'),
      LOCAL_SEAL_DIR: join(stateDir, 'audit-seals'),
      AUDIT_INDEX_TABLE: tables.auditIndex,
      ALERTS_TABLE: tables.alerts,
      MISUSE_DISTINCT_CHILDREN_PER_DAY: process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY ?? '50',
      MISUSE_OUT_OF_AREA_PER_DAY: process.env.MISUSE_OUT_OF_AREA_PER_DAY ?? '5',
      MISUSE_UNUSUAL_HOURS: process.env.MISUSE_UNUSUAL_HOURS ?? '0-6',
    });
    const jwks = (await (await fetch(state.pool.jwksUri)).json()) as Jwks;
    const server: Server = createGateway({
      routes: ROUTES,
      identity: { issuer: state.pool.issuer, clientId: state.pool.clientId, jwks },
      loadHandler: async (name) =>
        (await import(pathToFileURL(join(ROOT, 'functions', name, 'handler.ts')).href)).handler,
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolveListen());
    });
    if (options.seedInBackground) seeding = seed();
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tables.audit }));
    const sealer = Table?.LatestStreamArn
      ? pollStream({
          endpoint: dynamo.endpoint,
          streamArn: Table.LatestStreamArn,
          handler: async (event) =>
            (
              await import(pathToFileURL(join(ROOT, 'functions', 'seal-audit-events', 'handler.ts')).href)
            ).handler(event, {}),
          onError: (error) => progress(`audit sealing: ${(error as Error).message}`),
          positionFile: join(stateDir, 'audit-stream-position.json'),
        })
      : undefined;
    writeFileSync(
      join(stateDir, RUNTIME_FILE),
      JSON.stringify({ dynamoEndpoint: dynamo.endpoint, tables }, null, 2),
    );
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;

    return {
      url,
      stateDir,
      tables,
      dynamo,
      cognito,
      state,
      exampleChild,
      seeding,
      tokenFor: async (roleOrEmail) => {
        const user = pickUser(state, roleOrEmail);
        if (!user) throw new Error(`No local user for ${roleOrEmail}`);
        return signIn(cognito.client, state.pool.clientId, user.email, state.password, user.totpSecret);
      },
      stop: async () => {
        // A seed cut short by stopping is completed on the next start.
        seeding.catch(() => undefined);
        await sealer?.stop();
        await new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await stopServices();
      },
    };
  } catch (error) {
    await stopServices();
    throw error;
  }
}
