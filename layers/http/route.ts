import type { z } from 'zod';
import type { TableId } from '#adapters/dynamo/tables.ts';
import type { Action } from '#domain/access/permissions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseDefinition {
  description: string;
  schema?: z.ZodType;
  /** Response headers this route sets, e.g. ETag. */
  headers?: Record<string, string>;
}

/**
 * One route: everything API Gateway, the local gateway and the OpenAPI document need to know. Each
 * function's schema.ts exports its route; layers/http/routes.ts lists them all.
 */
/** DynamoDB actions a handler performs; the CDK house construct grants exactly these and no more. */
/** Scan is for the nightly audit verifier only; no request path may scan (an infra test checks the API). */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';
export type TableAccess = Partial<Record<TableId, readonly TableAction[]>>;
export type IdentityAction =
  | 'AdminCreateUser'
  | 'AdminAddUserToGroup'
  | 'AdminDeleteUser'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminUserGlobalSignOut';

export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/children/{childId}`. */
  path: string;
  /** Folder under functions/ that handles the route. */
  functionName: string;
  /** The permission the caller needs; null for the few routes that need no sign-in. */
  action: Action | null;
  /** Tables and actions the handler uses (least privilege for its IAM role). */
  access: TableAccess;
  /** Cognito user-pool administration actions the handler uses, if any. */
  identityActions?: readonly IdentityAction[];
  summary: string;
  description: string;
  tags: string[];
  request: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    /** The change is guarded by ETag / If-Match (428 without it, 412 when stale). */
    ifMatch?: boolean;
    /** A realistic example body the API accepts as it stands. */
    bodyExample?: unknown;
    /** A realistic example query the API accepts as it stands. */
    queryExample?: Record<string, string>;
  };
  successStatus: number;
  responses: Record<number, ResponseDefinition>;
}

export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The validated input a handler receives for route R. */
export interface RouteInput<R extends RouteDefinition> {
  params: OutputOf<R['request']['params']>;
  query: OutputOf<R['request']['query']>;
  body: OutputOf<R['request']['body']>;
  /** The version named by If-Match, when the route takes one. */
  ifMatchVersion: number | undefined;
}
