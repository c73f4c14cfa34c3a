import type { Principal } from '../access/principal.ts';
import type { MisuseAlert, MisuseAlertQuery, ReviewMisuseAlert } from '../alerts/misuse-alert.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { NotFoundError } from '../errors.ts';
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
 * against the version they read (If-Match), with who and when; committed with its audit event. Another
 * organisation's alert looks like nothing (404, audited).
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
  checkVersion(version, current.version);
  const { note: _previous, ...rest } = current;
  const next: MisuseAlert = {
    ...rest,
    status: review.outcome,
    ...(review.note !== undefined && { note: review.note }),
    reviewedBy: auditor.userId,
    reviewedAt: deps.env.now().toISOString(),
    version: current.version + 1,
  };
  await deps.alerts.review(
    next,
    current.version,
    auditEventFor(deps.env, auditor, facts, {
      action: 'review-misuse-alert',
      outcome: 'success',
      subjectUserId: current.subjectUserId,
      note: `misuse alert ${alertId}: ${review.outcome}`,
    }),
  );
  return next;
}
