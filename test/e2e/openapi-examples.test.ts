import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChildArchive } from '#adapters/archive/child-archive.ts';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { DynamoInbox } from '#adapters/dynamo/inbox.ts';
import { DynamoRetentionStore } from '#adapters/dynamo/retention-store.ts';
import { DynamoReviewQueue } from '#adapters/dynamo/review-queue.ts';
import { systemEnvironment } from '#adapters/environment.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { reviewDependenciesFrom } from '#adapters/review-dependencies.ts';
import { PERMISSIONS, RIGHT_REQUIRED } from '#domain/access/permissions.ts';
import type { Role } from '#domain/access/principal.ts';
import { childFieldsExample } from '#domain/child/schema.ts';
import type { FeedRecord } from '#domain/feeds/feed.ts';
import { leavingDay } from '#domain/retention/rule.ts';
import { joinChild } from '#domain/use-cases/link-feed-records.ts';
import { runRetention } from '#domain/use-cases/retention.ts';
import { ROUTES } from '#functions/manifest.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import { readSettings, tableSettings } from '#runtime/settings.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  example?: unknown;
  schema?: { example?: unknown };
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { example?: unknown } } };
}

let stack: LocalStack;
let document: { paths: Record<string, Record<string, Operation>> };
const clients = new Map<Role, Client>();
let overrideHolder: Client;
/** The two-person rule needs a second administrator to decide what the first asked for (R4). */
let secondAdmin: Client;

/** The order a client would naturally follow: a record must exist before it is viewed or changed. */
const ORDER = [
  'createChild',
  'searchChildren',
  'viewChild',
  'registerInvolvement',
  'updateInvolvement',
  // The practitioner's caseload now holds the involvement they registered.
  'listOwnInvolvements',
  'updateChild',
  'shieldChild',
  'requestContact',
  'listChildContactRequests',
  'listContactRequests',
  'closeContactRequest',
  'warnBeforeOverride',
  'viewWithOverride',
  'unshieldChild',
  'listReviews',
  'decideReview',
  'listChildSources',
  'splitChildSource',
  'grantAccount',
  'listAccounts',
  'updateAccount',
  'listAccountChanges',
  'approveAccountChange',
  'refuseAccountChange',
  'viewOwnAccount',
  // R9: by now the practitioner has been told of the record's changes (the stream consumers raised them).
  'listOwnAlerts',
  'markAlertRead',
  'viewAlertPreferences',
  'updateAlertPreferences',
  'readChildAuditTrail',
  'readUserAuditTrail',
  'listMisuseAlerts',
  'reviewMisuseAlert',
  'prepareSubjectAccessReport',
  // R7: consent, its withdrawal and a death notice; then the child is archived (the job, run on the day it
  // leaves) and its auditors read the archive.
  'recordRetentionConsent',
  'withdrawRetentionConsent',
  'recordDeathNotice',
  'readArchivedChild',
  'getOpenApi',
];

beforeAll(async () => {
  stack = await startTestStack(50);
  document = (await (await fetch(`${stack.url}/openapi.json`)).json()) as typeof document;
  for (const role of ['practitioner', 'data-manager', 'user-admin', 'auditor'] as const) {
    clients.set(role, await clientFor(stack, role));
  }
  overrideHolder = await clientFor(stack, 'practitioner@leeds.example.gov.uk');
  secondAdmin = await clientFor(stack, 'user-admin.second@leeds.example.gov.uk');
});

/** The newest alert in a client's inbox, once the stream consumers have raised one (polled, ≤ 20 s). */
async function firstAlertOf(client: Client): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const [alert] = (await client.call('GET', '/me/alerts')).json().alerts;
    if (alert) return alert.alertId;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no alert reached the practitioner');
}

/** A change one administrator asks for, so the approval and refusal examples have one to decide. */
async function askForDataManager(email: string): Promise<string> {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  const reply = await (clients.get('user-admin') as Client).call('POST', '/users', {
    body: {
      email,
      roles: ['data-manager'],
      authorisedBy: 'Team manager, manager@leeds.example.gov.uk',
      dbsCertificateDate: daysAgo(100),
      trainingCompletedOn: daysAgo(5),
      agreementSignedOn: daysAgo(5),
      mfaEnrolled: true,
    },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.json().awaitingApproval.changeId;
}

afterAll(async () => {
  await stack?.stop();
});

/**
 * R8: what a feed load would have left for the created child, written as the linker writes it — a pair in its
 * council's review queue, and two rows held for it (so one can be split off). Feed loads have no route.
 */
async function linkage() {
  const adapters = adaptersFrom(
    readSettings('adapters', {
      ...tableSettings(stack.tables),
      AWS_REGION: 'eu-west-2',
      DYNAMODB_ENDPOINT: stack.dynamo.endpoint,
      ACCOUNT_CACHE_SECONDS: '0',
    }),
    { LOCAL_KEYRING_FILE: join(stack.stateDir, 'keyring.json') },
  );
  const reviews = new DynamoReviewQueue(
    adapters.db,
    { reviews: stack.tables.reviews, audit: stack.tables.audit },
    localBlockingKeyHasher(join(stack.stateDir, 'keyring.json')),
  );
  return { adapters, reviews, deps: reviewDependenciesFrom(adapters, reviews) };
}

const exampleRow = (
  feed: FeedRecord['feed'],
  sourceId: string,
  extra: Partial<FeedRecord['fields']> = {},
) => ({
  feed,
  sourceId,
  extractDate: '2026-10-01',
  line: 2,
  fields: {
    givenName: childFieldsExample.givenName,
    familyName: childFieldsExample.familyName,
    gender: childFieldsExample.gender,
    dateOfBirth: childFieldsExample.dateOfBirth,
    address: childFieldsExample.address,
    ...extra,
  },
});

async function raiseReviewFor(childId: string): Promise<void> {
  const { adapters, reviews } = await linkage();
  const child = await adapters.children.get(childId);
  const row = exampleRow('births', 'REG-2016-004417');
  await reviews.queue({
    reviewId: `${row.feed}.${row.sourceId}.${childId}`,
    queue: String(child?.localAuthority),
    status: 'open',
    candidateChildId: childId,
    candidateShielded: false,
    row,
    probability: 0.61,
    why: ['family name: the same', 'date of birth: the same'],
    raisedAt: new Date().toISOString(),
  });
}

async function holdTwoRowsFor(childId: string): Promise<void> {
  const { deps } = await linkage();
  await joinChild(deps, exampleRow('child-benefit', 'CHB-77812-1'), childId);
  await joinChild(deps, exampleRow('school-census', 'W801200001999', { upn: 'W801200001999' }), childId);
}

/** R7: the retention job as the schedule runs it, with the clock set to the day the child leaves. */
async function archiveOnItsLeavingDay(childId: string): Promise<void> {
  const { adapters } = await linkage();
  const child = await adapters.children.get(childId);
  if (!child) throw new Error('the example child is gone');
  const keyring = join(stack.stateDir, 'keyring.json');
  // The run works on the day the child leaves; its audit events keep the real time, as the sealed trail needs.
  const summary = await runRetention(
    {
      retention: new DynamoRetentionStore(adapters.db, stack.tables, localBlockingKeyHasher(keyring)),
      archive: new FileChildArchive(join(stack.stateDir, 'archive'), keyring, systemEnvironment.now),
      inbox: new DynamoInbox(adapters.db, stack.tables.alerts),
      env: systemEnvironment,
    },
    { today: leavingDay(child) },
  );
  // Seeded children who turn 18 by then leave with it.
  expect(summary.failed).toBe(0);
  expect(await adapters.children.get(childId)).toBeUndefined();
}

describe('the OpenAPI document', () => {
  it('describes every route in the route table, and nothing else', () => {
    const documented = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((o) => o.operationId),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
    expect(ORDER.slice().sort()).toEqual(documented.sort());
  });

  it('lists every reason code as an enum (R5)', () => {
    const search = document.paths['/children']?.get;
    const reason = search?.parameters?.find((p) => p.name === 'reason') as
      | { schema: { enum: string[] } }
      | undefined;
    expect(reason?.schema.enum).toEqual(
      expect.arrayContaining(['SAFEGUARDING', 'EMERGENCY_CARE', 'DATA_QUALITY']),
    );
  });

  it('has examples the API accepts as they stand, and responses that match their declared schemas', async () => {
    const state: Record<string, string> = {};
    for (const operationId of ORDER) {
      const route = ROUTES.find((r) => r.operationId === operationId);
      if (!route) throw new Error(`no route ${operationId}`);
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as Operation;
      const parameters = operation.parameters ?? [];
      if (operationId === 'reviewMisuseAlert') {
        // The break-glass view above raised an alert for the Leeds auditors (R10); it stands in for the example's.
        const [raised] = await alertsReaching(
          stack,
          'auditor@leeds.example.gov.uk',
          'child-protection-override',
        );
        state.alertId = String(raised?.alertId);
        state['etag:/audit/alerts/{alertId}'] = String(raised?.etag);
      }
      if (operationId === 'listOwnAlerts')
        state.alertId = await firstAlertOf(clients.get('practitioner') as Client);
      if (operationId === 'listReviews') await raiseReviewFor(state.childId as string);
      if (operationId === 'readArchivedChild') await archiveOnItsLeavingDay(state.childId as string);
      if (operationId === 'listChildSources') await holdTwoRowsFor(state.childId as string);
      let path = route.path;
      for (const p of parameters.filter((q) => q.in === 'path')) {
        // Path examples name a record that exists in the example world; here, the one the examples created.
        path = path.replace(`{${p.name}}`, state[p.name] ?? String(p.example ?? p.schema?.example));
      }
      const query = new URLSearchParams();
      for (const p of parameters.filter((q) => q.in === 'query')) {
        const example = p.example ?? p.schema?.example;
        if (example !== undefined) query.set(p.name, String(example));
      }
      const headers: Record<string, string> = {};
      if (parameters.some((p) => p.in === 'header' && p.name === 'If-Match')) {
        headers['if-match'] = state[`etag:${route.path}`] ?? '"1"';
      }
      const example = operation.requestBody?.content['application/json'].example;
      // A confirmation is good once, for minutes: the one the warning example just issued stands in.
      const body =
        operationId === 'viewWithOverride'
          ? { ...(example as object), confirmation: state.confirmation }
          : example;
      if (operation.requestBody) expect(body, `${operationId} has a body example`).toBeDefined();
      const role = ([...clients.keys()] as Role[]).find(
        (r) => route.action === null || PERMISSIONS[r].has(route.action),
      );
      if (!role) throw new Error(`no local role may call ${operationId}`);
      // Right-gated routes are called by the seeded holder of the right (a Leeds social worker); a change
      // the first administrator asked for is decided by the second.
      const client = (
        route.action && RIGHT_REQUIRED[route.action]
          ? overrideHolder
          : route.path.startsWith('/account-changes/')
            ? secondAdmin
            : clients.get(role)
      ) as Client;
      if (operationId === 'approveAccountChange' || operationId === 'refuseAccountChange') {
        path = route.path.replace(
          '{changeId}',
          await askForDataManager(`${operationId}@leeds.example.gov.uk`),
        );
      }
      const url = `${path}${query.size ? `?${query}` : ''}`;
      const reply = await client.call(
        route.method,
        url,
        body === undefined ? { headers } : { body, headers },
      );
      expect(reply.status, `${operationId} ${reply.text}`).toBe(route.successStatus);
      const declared = route.responses[route.successStatus]?.schema;
      if (declared)
        expect(declared.safeParse(reply.json()).success, `${operationId} response matches its schema`).toBe(
          true,
        );
      if (operationId === 'createChild') {
        state.childId = reply.json().childId;
        state['etag:/children/{childId}'] = reply.headers.get('etag') as string;
      }
      if (operationId === 'warnBeforeOverride') state.confirmation = reply.json().confirmation;
      if (operationId === 'listOwnInvolvements')
        expect(
          reply
            .json()
            .involvements.map((i: { involvement: { involvementId: string } }) => i.involvement.involvementId),
        ).toContain(state.involvementId);
      if (operationId === 'listReviews') state.reviewId = reply.json().reviews[0].reviewId;
      if (operationId === 'listChildSources')
        state.sourceRef = reply
          .json()
          .sources.find((s: { feed: string }) => s.feed === 'school-census').sourceRef;
      if (operationId === 'requestContact') state.requestId = reply.json().requestId;
      if (operationId === 'listChildContactRequests')
        state['etag:/children/{childId}/contact-requests/{requestId}'] = reply.json().requests[0].etag;
      if (operationId === 'grantAccount') {
        state.userId = reply.json().userId;
        state['etag:/users/{userId}'] = reply.headers.get('etag') as string;
      }
      if (operationId === 'registerInvolvement') {
        state.involvementId = reply.json().involvementId;
        state['etag:/children/{childId}/involvements/{involvementId}'] = reply.headers.get('etag') as string;
      }
    }
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
