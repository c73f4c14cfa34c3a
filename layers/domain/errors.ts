/**
 * Domain errors. Each names what went wrong in the caller's terms; the HTTP layer maps them to
 * problem+json in one place (layers/http/problem-details.ts). `cause` carries the underlying error
 * for logs, never for responses.
 */

import type { RefusalReason } from './access/account.ts';
import type { Role } from './access/principal.ts';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `carers.0.contact.email` or `caseNotes`. */
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly problems: FieldProblem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '), options);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly resource: string,
    options?: ErrorOptions,
  ) {
    super(`${resource} not found`, options);
  }
}

export class ForbiddenError extends Error {
  override readonly name: string = 'ForbiddenError';
}

/**
 * R4: the registry refused the signed-in caller (no account, another organisation, suspended, DBS
 * expired, training, agreement or MFA missing, unaccredited organisation, revoked client). Carries who
 * the token says they are, so the refusal is audited under that account (R6) and its auditors see it.
 */
export class AccessRefusedError extends ForbiddenError {
  override readonly name = 'AccessRefusedError';
  constructor(
    message: string,
    readonly actor: { userId: string; organisationId: string; roles: Role[] },
    /** Why, as codes for the audit event and the user's trail (R6). */
    readonly reasons: RefusalReason[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * R10: an auditor may not review a misuse alert about themselves; another auditor of the organisation does.
 */
export class OwnMisuseAlertError extends ForbiddenError {
  override readonly name = 'OwnMisuseAlertError';
  constructor(options?: ErrorOptions) {
    super(
      'This misuse alert is about you, so you cannot review it. Another auditor of your organisation reviews it.',
      options,
    );
  }
}

/** No credentials ContactPoint accepts: none were sent, or they were sent in a scheme it does not use. */
export class UnauthenticatedError extends Error {
  override readonly name: string = 'UnauthenticatedError';
}

/** A bearer token was presented but is not one ContactPoint accepts (malformed, forged, expired, wrong pool). */
export class InvalidTokenError extends UnauthenticatedError {
  override readonly name = 'InvalidTokenError';
}

/** If-Match named a version that is no longer current: someone else changed the item first. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/** A change to a versioned resource arrived without If-Match. */
export class PreconditionRequiredError extends Error {
  override readonly name = 'PreconditionRequiredError';
}

/** R10: a search matched more candidates than may be disclosed. */
export class TooManyMatchesError extends Error {
  override readonly name = 'TooManyMatchesError';
  constructor(
    readonly limit: number,
    options?: ErrorOptions,
  ) {
    super(`More than ${limit} children match; add details to refine the search`, options);
  }
}

/** The request is well-formed but conflicts with the current state (e.g. shielding a shielded record). */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
}

/** R4 separation of duties: the change would give one account roles that must stay apart. */
export class SeparationOfDutiesError extends ConflictError {
  override readonly name = 'SeparationOfDutiesError';
}

/**
 * R8: another organisation's involvement is the child's lead professional. Nobody outside that
 * organisation (or the record's ContactPoint team) takes the lead from it; the organisations agree the
 * handover and the holder ends or changes its own lead first. The answer names no one.
 */
export class LeadProfessionalHeldError extends ConflictError {
  override readonly name = 'LeadProfessionalHeldError';
  constructor(options?: ErrorOptions) {
    super(
      'Another organisation holds the lead professional role for this child. Agree the handover with the ' +
        'lead professional; their organisation ends or changes its lead first.',
      options,
    );
  }
}

/**
 * R4 two-person rule: the administrator who asked for a pending change is no longer an active user
 * administrator of the organisation (suspended, terminated, moved or no longer user-admin), so nobody
 * stands behind the request and it cannot be approved. Another administrator asks again if it is needed.
 */
export class RequesterNoLongerAdministratorError extends ConflictError {
  override readonly name = 'RequesterNoLongerAdministratorError';
}

/**
 * An NHS number or UPN belongs to one record only (R3, R8): a second record with it is refused. The
 * answer says no more than that; which record holds it is kept for the audit trail only.
 */
export class DuplicateIdentifierError extends ConflictError {
  override readonly name = 'DuplicateIdentifierError';
  constructor(
    readonly heldBy: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      'Another ContactPoint record already holds this NHS number or UPN, so this one was not saved. ' +
        'If a search does not find it, ask your council’s ContactPoint team.',
      options,
    );
  }
}

/** R6 fail-closed: the audit event could not be written, so no data may be returned or changed. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
  constructor(options?: ErrorOptions) {
    super('The audit trail is unavailable', options);
  }
}

/** R10: the account has used its searches or views for this minute or day; try again after `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * R8: an Idempotency-Key the caller already used on this route for another request (another child,
 * involvement or body). Nothing is changed; the first request's answer stays as it was.
 */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(options?: ErrorOptions) {
    super(
      'This Idempotency-Key was already used for a different request on this route. Send a retry with ' +
        'exactly the same path and body, or use a new key for a new change.',
      options,
    );
  }
}

/** R8: the first request with this Idempotency-Key is still being processed; retry shortly for its answer. */
export class IdempotencyKeyInUseError extends ConflictError {
  override readonly name = 'IdempotencyKeyInUseError';
  constructor(options?: ErrorOptions) {
    super(
      'A request with this Idempotency-Key is still in progress. Retry it unchanged in a few seconds to ' +
        'receive its answer.',
      options,
    );
  }
}
