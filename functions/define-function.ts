import type { TableId } from '#adapters/dynamo/tables.ts';
import type { RouteDefinition } from '#http/route.ts';
import type { SettingGroup } from '#runtime/settings.ts';

/**
 * DynamoDB actions a handler performs; the house construct grants exactly these and no more. Scan is for
 * jobs only (the nightly audit verifier, the re-keying migration); no request path may scan (an infra
 * test checks the API).
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  /** A transaction's ConditionCheck: an identifier or identity claim checked unchanged, not written. */
  | 'ConditionCheckItem'
  | 'BatchWriteItem';
export type TableAccess = Partial<Record<TableId, readonly TableAction[]>>;

/** Cognito user-pool administration actions a handler performs, on the one pool. */
export type IdentityAction =
  | 'AdminCreateUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminDeleteUser'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminUserGlobalSignOut';

/** What invokes a function. */
export type Trigger =
  /** An API route: API Gateway in AWS, the local gateway here. */
  | { kind: 'http'; route: RouteDefinition }
  /** Once a day at this UTC time: an EventBridge schedule in AWS, the local scheduler here. */
  | { kind: 'schedule'; daily: { hour: number; minute: number }; description: string }
  /**
   * New records of a table's stream, in order, one batch at a time: an event-source mapping in AWS, the
   * local stream poller here.
   */
  | {
      kind: 'stream';
      table: TableId;
      batchSize: number;
      batchingWindowSeconds: number;
      /** Only changes to items with this sort key reach the function (an event filter in AWS). */
      onlySortKey?: string;
    }
  /** Cognito's pre-token-generation trigger: every sign-in and token refresh. */
  | { kind: 'sign-in' }
  /**
   * Started by an operator, never on a schedule, and run to the end however many invocations that takes:
   * a Step Functions state machine in AWS invokes it with the cursor it last returned until it returns
   * `done: true`; an npm script runs the same module here.
   */
  | { kind: 'job'; description: string }
  /**
   * One step of a national feed load (R8): a Step Functions state machine, started when a feed file lands
   * in the feeds bucket (an EventBridge rule) or by an operator, splits the file into chunks, links each
   * chunk (a Distributed Map) and writes the load's report. Not run by the local stand-in, whose ingest
   * command reads a feed file itself.
   */
  | { kind: 'feed-load'; step: 'split' | 'link' | 'report'; description: string }
  /**
   * The console: the GOV.UK web front end, every page of it. In AWS behind CloudFront (the static GOV.UK
   * assets from S3 beside it); locally the console server at `/`. It reaches ContactPoint only through the
   * API, with the signed-in user's own token, so it holds no table access of its own.
   */
  | { kind: 'web' };

/**
 * One function, declared once, beside its handler: what invokes it, what it may touch and what it
 * reads at cold start. The CDK stacks, IAM policies, monitoring and the local stand-in are all built
 * from these declarations (functions/manifest.ts lists them).
 */
export interface FunctionDefinition<T extends Trigger = Trigger> {
  /** Its folder under functions/. */
  name: string;
  trigger: T;
  /** Tables and actions its handler uses (least privilege for its IAM role). */
  access: TableAccess;
  /**
   * The `namedOnly` indexes its Queries use (layers/adapters/dynamo/tables.ts); Query on a table reaches the
   * table's other indexes without naming them, and these only when named here.
   */
  indexes?: Partial<Record<TableId, readonly string[]>>;
  /** Cognito administration its handler performs, if any (needs the `identity` settings). */
  identityActions?: readonly IdentityAction[];
  /** The groups of layers/runtime/settings.ts it reads; its environment holds exactly these. */
  settings: readonly SettingGroup[];
  /** Sends e-mail (R9 digests): SES, as the one configured sender only. Locally, the mail folder. */
  sendsMail?: true;
  /** Appends seals to the audit chain, or verifies them (R6): the HMAC key and the seal objects. */
  auditSeals?: 'seal' | 'verify';
  /**
   * R7: the archive bucket — `write` archives records and destroys archives six years on (the retention job);
   * `read` reads an archive (the auditors' investigation read). Locally, the archive folder.
   */
  archive?: 'write' | 'read';
  /** Longest a run may take; API routes keep the house default. */
  timeoutSeconds?: number;
}

export function defineFunction<const T extends Trigger>(
  definition: FunctionDefinition<T>,
): FunctionDefinition<T> {
  return definition;
}

export type HttpFunction = FunctionDefinition<Extract<Trigger, { kind: 'http' }>>;
export type ScheduledFunction = FunctionDefinition<Extract<Trigger, { kind: 'schedule' }>>;
export type StreamFunction = FunctionDefinition<Extract<Trigger, { kind: 'stream' }>>;
export type SignInFunction = FunctionDefinition<Extract<Trigger, { kind: 'sign-in' }>>;
export type OperatorJobFunction = FunctionDefinition<Extract<Trigger, { kind: 'job' }>>;
export type WebFunction = FunctionDefinition<Extract<Trigger, { kind: 'web' }>>;
export type FeedLoadFunction = FunctionDefinition<Extract<Trigger, { kind: 'feed-load' }>>;

export function isTriggeredBy<K extends Trigger['kind']>(
  kind: K,
): (f: FunctionDefinition) => f is FunctionDefinition<Extract<Trigger, { kind: K }>> {
  return (f): f is FunctionDefinition<Extract<Trigger, { kind: K }>> => f.trigger.kind === kind;
}
