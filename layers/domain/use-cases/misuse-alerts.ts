import type { Principal } from '../access/principal.ts';
import {
  KEPT_WHILE,
  MISUSE_ALERT_DAYS,
  MISUSE_REVIEW_HISTORY,
  type MisuseAlert,
  type MisuseAlertQuery,
  type MisuseAlertReview,
  type ReviewMisuseAlert,
} from '../alerts/misuse-alert.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { NotFoundError, OwnMisuseAlertError } from '../errors.ts';
import type { AuditSink, Environment, MisuseAlertRepository } from '../ports.ts';
import { checkVersion, refuse, requireVersion } from './guard.ts';

export interface MisuseAlertDeps {
  alerts: MisuseAlertRepository;
  audit: AuditSink;
  env: Environment;
}

const DEFAULT_PAGE = 50;

/**
 * R10: the misuse alerts for the auditor's own organisation, newest first, a page at a time. Reading
 * them is audited (R6) before anything is read.
 */
export async function listMisuseAlerts(
  deps: MisuseAlertDeps,
  auditor: Principal,
  query: MisuseAlertQuery,
  facts: RequestFacts,
): Promise<{ alerts: MisuseAlert[]; next?: string | undefined }> {
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, { action: 'list-misuse-alerts', outcome: 'success' }),
  );
  return deps.alerts.list(auditor.organisationId, {
    status: query.status,
    limit: query.limit ?? DEFAULT_PAGE,
    cursor: query.cursor,
  });
}

/**
 * R10: an auditor records where their review of an alert stands (investigating, no case, referred),
 * against the version they read (If-Match), with who and when; committed with its audit event. Each review
 * is appended to the alert's history (the last MISUSE_REVIEW_HISTORY), never overwriting an earlier one.
 * Investigating or referred, the alert is kept without expiry; closed as no case, it expires
 * MISUSE_ALERT_DAYS after that review. Another organisation's alert looks like nothing (404, audited); an alert about the auditor themselves is
 * refused (403, audited): another auditor reviews it.
 */
export async function reviewMisuseAlert(
  deps: MisuseAlertDeps,
  auditor: Principal,
  alertId: string,
  review: ReviewMisuseAlert,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<MisuseAlert> {
  const version = requireVersion(expectedVersion);
  const current = await deps.alerts.get(auditor.organisationId, alertId);
  if (!current) return refuse(deps, auditor, facts, 'review-misuse-alert', [], new NotFoundError('Alert'));
  if (current.subjectUserId === auditor.userId) {
    return refuse(
      deps,
      auditor,
      facts,
      'review-misuse-alert',
      [],
      new OwnMisuseAlertError(),
      `misuse alert ${alertId}: about the reviewer`,
    );
  }
  checkVersion(version, current.version);
  const at = deps.env.now().toISOString();
  const entry: MisuseAlertReview = {
    outcome: review.outcome,
    ...(review.note !== undefined && { note: review.note }),
    by: auditor.userId,
    at,
  };
  // Kept while under investigation or referred; closed as no case, kept MISUSE_ALERT_DAYS from this review.
  const { note: _previous, expiresAt: _expiry, ...rest } = current;
  const next: MisuseAlert = {
    ...rest,
    ...(!KEPT_WHILE.includes(review.outcome) && {
      expiresAt: Math.floor(Date.parse(at) / 1000) + MISUSE_ALERT_DAYS * 86_400,
    }),
    status: review.outcome,
    ...(review.note !== undefined && { note: review.note }),
    reviewedBy: auditor.userId,
    reviewedAt: at,
    reviews: [...(current.reviews ?? []), entry].slice(-MISUSE_REVIEW_HISTORY),
    version: current.version + 1,
  };
  await deps.alerts.review(
    next,
    current.version,
    auditEventFor(deps.env, auditor, facts, {
      action: 'review-misuse-alert',
      outcome: 'success',
      subjectUserId: current.subjectUserId,
      note: `misuse alert ${alertId}: from ${current.status} to ${review.outcome}`,
    }),
  );
  return next;
}
