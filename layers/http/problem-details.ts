import type { APIGatewayProxyResult } from 'aws-lambda';
import { StorageUnavailableError } from '#adapters/dynamo/errors.ts';
import {
  AuditUnavailableError,
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidTokenError,
  LeadProfessionalHeldError,
  NotFoundError,
  OwnMisuseAlertError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  RequesterNoLongerAdministratorError,
  SeparationOfDutiesError,
  TooManyMatchesError,
  UnauthenticatedError,
  ValidationError,
} from '#domain/errors.ts';
import { baseHeaders } from './headers.ts';

/** RFC 9457 problem details. `type` is a relative reference to the problem's documentation. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
}

interface ProblemKind {
  slug: string;
  title: string;
  status: number;
}

/** Error class → problem. The only place errors become HTTP responses. */
const PROBLEMS: [new (...args: never[]) => Error, ProblemKind][] = [
  [ValidationError, { slug: 'validation-error', title: 'The request is not valid', status: 400 }],
  [UnauthenticatedError, { slug: 'unauthenticated', title: 'Sign-in required', status: 401 }],
  // Before ForbiddenError: the same status, but the problem type names the rule that was broken.
  [
    OwnMisuseAlertError,
    { slug: 'own-misuse-alert', title: 'An alert about you is reviewed by another auditor', status: 403 },
  ],
  [ForbiddenError, { slug: 'forbidden', title: 'Not permitted', status: 403 }],
  [NotFoundError, { slug: 'not-found', title: 'Not found', status: 404 }],
  // Before ConflictError: the same status, but the problem type names the rule that was broken.
  [
    SeparationOfDutiesError,
    { slug: 'separation-of-duties', title: 'Separation of duties (R4)', status: 409 },
  ],
  [
    LeadProfessionalHeldError,
    { slug: 'lead-professional-held', title: 'Another organisation holds the lead', status: 409 },
  ],
  [
    RequesterNoLongerAdministratorError,
    {
      slug: 'requester-no-longer-administrator',
      title: 'The administrator who asked is no longer an active administrator',
      status: 409,
    },
  ],
  [
    IdempotencyKeyInUseError,
    { slug: 'idempotency-key-in-use', title: 'A request with this key is in progress', status: 409 },
  ],
  [ConflictError, { slug: 'conflict', title: 'Conflicts with the current state', status: 409 }],
  [PreconditionFailedError, { slug: 'precondition-failed', title: 'Changed since it was read', status: 412 }],
  [
    TooManyMatchesError,
    { slug: 'too-many-matches', title: 'Too many matches — refine the search', status: 422 },
  ],
  [
    IdempotencyKeyReusedError,
    { slug: 'idempotency-key-reused', title: 'Idempotency key used for another request', status: 422 },
  ],
  [PreconditionRequiredError, { slug: 'precondition-required', title: 'If-Match required', status: 428 }],
  [RateLimitedError, { slug: 'rate-limited', title: 'Per-user limit reached', status: 429 }],
  [AuditUnavailableError, { slug: 'audit-unavailable', title: 'Audit trail unavailable', status: 503 }],
  [StorageUnavailableError, { slug: 'service-unavailable', title: 'Temporarily unavailable', status: 503 }],
];

const INTERNAL: ProblemKind = { slug: 'internal-error', title: 'Internal error', status: 500 };

export const PROBLEM_TYPES = [...PROBLEMS.map(([, kind]) => kind), INTERNAL];

export function problemTypeUri(slug: string): string {
  return `/problems/${slug}`;
}

export function problemFor(error: unknown, requestId?: string): ProblemDetails {
  const match = PROBLEMS.find(([cls]) => error instanceof cls);
  const kind = match?.[1] ?? INTERNAL;
  // A 5xx never carries internals: its detail is fixed text.
  const detail =
    kind.status >= 500
      ? kind === INTERNAL
        ? 'Something went wrong. The request ID identifies it to the service desk.'
        : (error as Error).message
      : (error as Error).message;
  return {
    type: problemTypeUri(kind.slug),
    title: kind.title,
    status: kind.status,
    detail,
    ...(requestId && { instance: `urn:request:${requestId}` }),
    ...(error instanceof ValidationError && { errors: error.problems }),
  };
}

/**
 * RFC 6750 §3: the challenge every 401 carries. A token that was presented and refused adds
 * `error="invalid_token"`; a request with no bearer token gets the bare challenge.
 */
export function bearerChallenge(error?: unknown): string {
  return `Bearer realm="ContactPoint"${error instanceof InvalidTokenError ? ', error="invalid_token"' : ''}`;
}

/** The response for a problem. Pass the error it came from so a 401 can say whether a token was refused. */
export function problemResponse(problem: ProblemDetails, error?: unknown): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: {
      ...baseHeaders,
      'content-type': 'application/problem+json',
      ...(problem.status === 401 && { 'www-authenticate': bearerChallenge(error) }),
      ...(error instanceof RateLimitedError && { 'retry-after': String(error.retryAfterSeconds) }),
    },
    body: JSON.stringify(problem),
  };
}
