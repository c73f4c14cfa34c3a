import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '#adapters/dynamo/directory-repository.ts';
import { DynamoInvolvementRepository } from '#adapters/dynamo/involvement-repository.ts';
import { TABLES, type TableDefinition, type TableId, type TableNames } from '#adapters/dynamo/tables.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { ROLES, type Role } from '#domain/access/principal.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { FunctionDefinition, StreamFunction } from '#functions/define-function.ts';
import { isTriggeredBy } from '#functions/define-function.ts';
import { FUNCTIONS } from '#functions/manifest.ts';
import { environmentFor, type SettingGroup, type SettingValues, tableSettings } from '#runtime/settings.ts';
import {
  clientCredentialsToken,
  createMachineAppClient,
  type LocalMachineClient,
} from './client-credentials.ts';
import {
  type CognitoLocal,
  createPool,
  enrolTotp,
  type Pool,
  signIn,
  signInTokens,
  startCognitoLocal,
} from './cognito.ts';
import { createConsoleServer } from './console-server.ts';
import {
  type DynamoDbLocal,
  ensureStream,
  ensureTables,
  startDynamoDbLocal,
  tableNames,
} from './dynamodb.ts';
import { freePort } from './free-port.ts';
import { createGateway } from './gateway.ts';
import {
  LOCAL_ORGANISATIONS,
  LOCAL_POSTCODE_AUTHORITIES,
  LOCAL_USERS,
  localAccount,
} from './organisations.ts';
import { scheduleJobs } from './scheduler.ts';
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
  /** The console's port; by default the next after the gateway's (a free one when the gateway's is 0). */
  consolePort?: number;
  /** How many synthetic children to seed into empty tables. */
  seedCount: number;
  /** Serve at once and seed behind (npm start); otherwise seeding finishes before the stack is returned. */
  seedInBackground?: boolean;
  /**
   * Run the stream consumers (audit sealing, indexing, misuse detection, alerts); default true. The benchmark
   * turns them off, to show what they cost: without them nothing is sealed. A list runs only the consumers
   * named, and only their tables have a stream — DynamoDB Local journals every write of a table with one,
   * which a bulk load into the children table pays for many times over (the feed-load test runs the sealer
   * alone; R9 alerts have tests of their own).
   */
  streamConsumers?: boolean | readonly string[];
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
  /** The API (the local stand-in for API Gateway). */
  url: string;
  /** The console, the GOV.UK web front end (the local stand-in for CloudFront and the web function). */
  consoleUrl: string;
  /** Where this stack keeps its state (seals, keyring, runtime endpoints). */
  stateDir: string;
  tables: TableNames;
  dynamo: DynamoDbLocal;
  cognito: CognitoLocal;
  state: SavedState;
  /** Settles when seeding has finished (at once when there was nothing to seed). */
  seeding: Promise<void>;
  /** Every failure a stream consumer or scheduled job reported while the stack ran (shown, and kept here). */
  problems: string[];
  /**
   * A seeded child who is not shielded, in the council of the role shortcuts (`npm run token -- <role>`),
   * for the instructions and for smoke tests.
   */
  exampleChild: Pick<ChildRecord, 'childId' | 'givenName' | 'familyName' | 'dateOfBirth'> | undefined;
  /** An ID token for the first seeded user of `role` (or for the user with that e-mail). */
  tokenFor(roleOrEmail: Role | string): Promise<string>;
  /** Both tokens of that user's sign-in: the access token is for routes with scopes (routeScopes). */
  tokensFor(roleOrEmail: Role | string): Promise<{ idToken: string; accessToken: string }>;
  /**
   * Registers a case management system (R8): an app client of the local pool allowed the
   * client-credentials grant with `scopes`, and the directory's record of it for its organisation.
   */
  registerMachineClient(client: {
    name: string;
    organisationId: string;
    scopes: readonly string[];
  }): Promise<LocalMachineClient>;
  /** A client-credentials access token for a registered client (the local token endpoint). */
  machineTokenFor(client: LocalMachineClient, scopes?: readonly string[]): Promise<string>;
  /**
   * Stops every stream consumer (the local event-source mappings), as a stalled or disabled mapping
   * would: records pile up unconsumed. For tests of what the verifier says about unsealed events.
   */
  stopStreamConsumers(): Promise<void>;
  stop(): Promise<void>;
}

export const STATE_FILE = 'state.json';
/** R6: how long a local audit event may wait for its seal before the verifier counts it a failure. */
export const LOCAL_SEAL_LAG_SECONDS = '120';
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
    // Only tables that a function consumes stream locally (DynamoDB Local writes ten times slower with one).
    const wanted = options.streamConsumers ?? true;
    const consumers = FUNCTIONS.filter(isTriggeredBy('stream')).filter(
      (f) => wanted === true || (Array.isArray(wanted) && wanted.includes(f.name)),
    );
    // The seeded tables get their streams once the seed is in (ensureStream below).
    const created = await ensureTables(
      dynamo.client,
      tables,
      consumers.map((f) => f.trigger.table).filter((t) => !SEEDED_TABLES.includes(t)),
    );
    const db = documentClient(REGION, dynamo.endpoint);
    const children = new DynamoChildRepository(
      db,
      tables,
      localBlockingKeyHasher(join(stateDir, 'keyring.json')),
    );
    const directory = new DynamoDirectoryRepository(db, tables);
    const data = syntheticChildren(options.seedCount);
    const shortcutCouncil = LOCAL_ORGANISATIONS.find(
      (o) => o.organisationId === LOCAL_USERS.find((u) => u.role === 'data-manager')?.organisationId,
    );
    const councilCode = shortcutCouncil && 'gssCode' in shortcutCouncil ? shortcutCouncil.gssCode : undefined;
    const exampleChild = data.children.find((c) => !c.shield && c.localAuthority === councilCode);
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

    // Handlers read their configuration once, at import (cold start), exactly as in Lambda; one process
    // serves every function here, so it is given every setting any function declares.
    const apiPort = options.port === 0 ? await freePort() : options.port;
    const consolePort = options.consolePort ?? (options.port === 0 ? await freePort() : options.port + 1);
    const url = `http://127.0.0.1:${apiPort}`;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    const settings: SettingValues = {
      ...tableSettings(tables),
      AWS_REGION: REGION,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      USER_POOL_ID: state.pool.userPoolId,
      COGNITO_ENDPOINT: cognito.endpoint,
      // No cache is needed to keep lookups cheap in one process, and a suspension bites on the next request.
      ACCOUNT_CACHE_SECONDS: process.env.ACCOUNT_CACHE_SECONDS ?? '0',
      // The stand-ins for the KMS HMAC key and the Object Lock bucket that seal the audit trail.
      LOCAL_KEYRING_FILE: join(stateDir, 'keyring.json'),
      // The reviewed model unless a file is named (the benchmark names one trained on the records it loads).
      MATCHING_MODEL_FILE: process.env.MATCHING_MODEL_FILE,
      LOCAL_SEAL_DIR: join(stateDir, 'audit-seals'),
      // R7: the stand-in for the archive bucket: files encrypted with the keyring's archive key.
      LOCAL_ARCHIVE_DIR: join(stateDir, 'archive'),
      // R9: the stand-in for SES — each digest an .eml file; the link it carries is this stack's URL (set below).
      LOCAL_MAIL_DIR: join(stateDir, 'mail'),
      MAIL_FROM: 'alerts@contactpoint.example.gov.uk',
      CONSOLE_URL: consoleUrl,
      // The console: the password and TOTP sign-in against cognito-local (the hosted UI in AWS), a session key
      // made afresh at every start (sessions do not outlive the stack), the API it calls as each user.
      SIGN_IN: 'password',
      API_URL: url,
      SESSION_IDLE_MINUTES: process.env.SESSION_IDLE_MINUTES ?? '15',
      LOCAL_SESSION_KEY: randomBytes(32).toString('hex'),
      USER_POOL_CLIENT_ID: state.pool.clientId,
      AUDIT_SEAL_LAG_SECONDS: process.env.AUDIT_SEAL_LAG_SECONDS ?? LOCAL_SEAL_LAG_SECONDS,
      MISUSE_DISTINCT_CHILDREN_PER_DAY: process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY ?? '50',
      MISUSE_OUT_OF_AREA_PER_DAY: process.env.MISUSE_OUT_OF_AREA_PER_DAY ?? '5',
      MISUSE_UNUSUAL_HOURS: process.env.MISUSE_UNUSUAL_HOURS ?? '0-6',
      // R10 per-user limits: generous enough for the benchmark's load; a test sets its own to reach them.
      LIMIT_SEARCHES_PER_MINUTE: process.env.LIMIT_SEARCHES_PER_MINUTE ?? '100000',
      LIMIT_SEARCHES_PER_DAY: process.env.LIMIT_SEARCHES_PER_DAY ?? '1000000',
      LIMIT_VIEWS_PER_MINUTE: process.env.LIMIT_VIEWS_PER_MINUTE ?? '100000',
      LIMIT_VIEWS_PER_DAY: process.env.LIMIT_VIEWS_PER_DAY ?? '1000000',
      POSTCODE_AUTHORITIES: JSON.stringify(LOCAL_POSTCODE_AUTHORITIES),
      // Local sign-ins come from cognito-local, not a council identity provider.
      FEDERATION_RULES: '[]',
      // Declared by the feed-load functions, which the stand-in does not run: a feed load in AWS is a Step
      // Functions state machine; here the ingest command reads a feed file itself.
      FEEDS_BUCKET: 'contactpoint-local-feeds',
      FEED_CHUNK_ROWS: '500',
    };
    const everyGroup = [...new Set(FUNCTIONS.flatMap((f) => f.settings))] as SettingGroup[];
    Object.assign(process.env, environmentFor(everyGroup, settings), {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // No CloudWatch here: EMF lines would only clutter the console.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    const handlerOf = async (fn: FunctionDefinition) =>
      (await import(pathToFileURL(join(ROOT, 'functions', fn.name, 'handler.ts')).href)).handler;
    const jwks = (await (await fetch(state.pool.jwksUri)).json()) as Jwks;
    const server: Server = createGateway({
      functions: FUNCTIONS.filter(isTriggeredBy('http')),
      identity: { issuer: state.pool.issuer, clientId: state.pool.clientId, jwks },
      loadHandler: handlerOf,
    });
    const webFunction = FUNCTIONS.filter(isTriggeredBy('web'))[0];
    if (!webFunction) throw new Error('The manifest has no web function');
    const consoleServer = createConsoleServer({ loadHandler: () => handlerOf(webFunction) });
    for (const [listener, port] of [
      [server, apiPort],
      [consoleServer, consolePort],
    ] as const) {
      await new Promise<void>((resolveListen, reject) => {
        listener.once('error', reject);
        listener.listen(port, '127.0.0.1', () => resolveListen());
      });
    }
    if (options.seedInBackground) seeding = seed();
    const problems: string[] = [];
    const report = (problem: string) => {
      problems.push(problem);
      progress(problem);
    };
    // The local event-source mappings: each stream consumer reads its table's stream, in order.
    const pollers: { stop(): Promise<void> }[] = [];
    let stopped = false;
    const startPolling = async (consumer: StreamFunction, startAt: 'oldest' | 'latest') => {
      const table = consumer.trigger.table;
      if (SEEDED_TABLES.includes(table)) await ensureStream(dynamo.client, table, tables[table]);
      const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tables[table] }));
      if (!Table?.LatestStreamArn)
        throw new Error(`The local ${table} table has no stream for ${consumer.name}`);
      const handler = await handlerOf(consumer);
      if (stopped) return;
      const poller = pollStream({
        endpoint: dynamo.endpoint,
        streamArn: Table.LatestStreamArn,
        batchSize: consumer.trigger.batchSize,
        startAt,
        // As the event filter does in AWS: changes to other items never reach the function.
        handler: (event) => {
          const records = onlyFiltered(consumer, event.Records);
          return records.length > 0 ? handler({ Records: records }, {}) : Promise.resolve();
        },
        onError: (error) => report(`${consumer.name}: ${(error as Error).message}`),
        positionFile: join(stateDir, `${table}-stream-position.json`),
      });
      pollers.push(poller);
      await poller.ready;
    };
    for (const consumer of consumers) {
      if (!SEEDED_TABLES.includes(consumer.trigger.table)) {
        await startPolling(consumer, 'oldest');
        continue;
      }
      // The synthetic seed is a bulk load nobody is to be told of: a consumer of a seeded table starts once it
      // is in, from the latest change. Reading the seed's journal back would take DynamoDB Local (on disk)
      // minutes at full load, during which it answers nothing else.
      const afterSeed = seeding.then(
        () => startPolling(consumer, 'latest'),
        () => startPolling(consumer, 'latest'),
      );
      if (!options.seedInBackground) await afterSeed;
      else afterSeed.catch((error: unknown) => report(`${consumer.name}: ${(error as Error).message}`));
    }
    const schedules = scheduleJobs({
      jobs: FUNCTIONS.filter(isTriggeredBy('schedule')),
      run: async (job, event) => (await handlerOf(job))(event, {}),
      onError: (job, error) => report(`${job.name}: ${(error as Error).message}`),
    });
    writeFileSync(
      join(stateDir, RUNTIME_FILE),
      JSON.stringify({ dynamoEndpoint: dynamo.endpoint, tables }, null, 2),
    );

    return {
      url,
      consoleUrl,
      stateDir,
      tables,
      dynamo,
      cognito,
      state,
      exampleChild,
      seeding,
      problems,
      tokenFor: async (roleOrEmail) => {
        const user = pickUser(state, roleOrEmail);
        if (!user) throw new Error(`No local user for ${roleOrEmail}`);
        return signIn(cognito.client, state.pool.clientId, user.email, state.password, user.totpSecret);
      },
      tokensFor: async (roleOrEmail) => {
        const user = pickUser(state, roleOrEmail);
        if (!user) throw new Error(`No local user for ${roleOrEmail}`);
        return signInTokens(cognito.client, state.pool.clientId, user.email, state.password, user.totpSecret);
      },
      registerMachineClient: async ({ name, organisationId, scopes }) => {
        const credentials = await createMachineAppClient(cognito.client, state.pool, name, scopes);
        await directory.putMachineClient({
          clientId: credentials.clientId,
          name,
          organisationId,
          status: 'active',
        });
        return credentials;
      },
      machineTokenFor: (client, scopes) => clientCredentialsToken(cognito.client, state.pool, client, scopes),
      stopStreamConsumers: async () => {
        await Promise.all(pollers.map((poller) => poller.stop()));
      },
      stop: async () => {
        // A seed cut short by stopping is completed on the next start.
        seeding.catch(() => undefined);
        schedules.stop();
        stopped = true;
        await Promise.all(pollers.map((poller) => poller.stop()));
        await new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await new Promise<void>((r) => consoleServer.close(() => r()));
        consoleServer.closeAllConnections();
        await stopServices();
      },
    };
  } catch (error) {
    await stopServices();
    throw error;
  }
}

/** The tables the stand-in seeds in bulk with synthetic children and their involvements. */
const SEEDED_TABLES: readonly TableId[] = ['children', 'involvements'];

/** The records a consumer's event filter lets through (its `onlySortKey`), as the AWS mapping filters them. */
function onlyFiltered(consumer: StreamFunction, records: DynamoDBRecord[]): DynamoDBRecord[] {
  const { table, onlySortKey } = consumer.trigger;
  const sortKeyName = (TABLES[table] as TableDefinition).sortKey?.name;
  if (onlySortKey === undefined || sortKeyName === undefined) return records;
  return records.filter((record) => record.dynamodb?.Keys?.[sortKeyName]?.S === onlySortKey);
}
