import type { z } from 'zod';
import type { LimitKind } from '#domain/access/limits.ts';
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
 * function's schema.ts declares its route and names it as its trigger (functions/define-function.ts).
 */
export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/children/{childId}`. */
  path: string;
  /** The permission the caller needs; null for the few routes that need no sign-in. */
  action: Action | null;
  /** R10: the per-user limit this route counts against, when it reads a child (429 once used up). */
  usageLimit?: LimitKind;
  summary: string;
  description: string;
  tags: string[];
  request: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    /** The change is guarded by ETag / If-Match (428 without it, 412 when stale). */
    ifMatch?: boolean;
    /**
     * R8: the change may carry an `Idempotency-Key` header; a retry with the same key and request gets the
     * first answer without a second change (layers/http/idempotency.ts).
     */
    idempotencyKey?: boolean;
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
  /** The Idempotency-Key header, when the route takes one and the caller sent it. */
  idempotencyKey: string | undefined;
}
