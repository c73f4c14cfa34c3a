import { describe, expect, it, vi } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import { MISUSE_REVIEW_HISTORY, type MisuseAlert } from '#domain/alerts/misuse-alert.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import {
  NotFoundError,
  OwnMisuseAlertError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '#domain/errors.ts';
import { listMisuseAlerts, reviewMisuseAlert } from '#domain/use-cases/misuse-alerts.ts';
import { problemFor } from '#http/problem-details.ts';

const auditor: Principal = {
  userId: 'user-auditor',
  roles: ['auditor'],
  organisationId: 'ORG-LEEDS-CC',
  organisationName: 'Leeds City Council',
  localAuthority: 'E08000035',
  localAuthorityName: 'Leeds City Council',
};
const facts = { requestId: 'req-1', sourceIp: '192.0.2.10' };
const stored: MisuseAlert = {
  alertId: 'many-children.nurse.2026-11-22',
  reviewingOrganisationId: 'ORG-LEEDS-CC',
  rule: 'many-children',
  subjectUserId: 'nurse',
  subjectEmail: 'nurse@example.nhs.uk',
  organisationId: 'ORG-LEEDS-TH',
  message: 'Possible misuse',
  createdAt: '2026-11-22T09:00:00.000Z',
  status: 'investigating',
  note: 'an earlier note',
  version: 2,
  expiresAt: 1_900_000_000,
};

function fakes(alert: MisuseAlert = stored) {
  const recorded: AuditEvent[] = [];
  const alerts = {
    raise: vi.fn(),
    get: vi.fn(async (organisation: string, id: string) =>
      organisation === alert.reviewingOrganisationId && id === alert.alertId ? alert : undefined,
    ),
    list: vi.fn(async () => ({ alerts: [stored] })),
    review: vi.fn(async () => {}),
  };
  return {
    recorded,
    alerts,
    audit: { record: async (event: AuditEvent) => void recorded.push(event) },
    env: {
      now: () => new Date('2026-11-22T10:00:00Z'),
      newId: (p: string) => `${p}-1`,
      newChildId: () => 'x',
    },
  };
}

describe('R10 misuse alerts for auditors', () => {
  it('lists only the auditor’s own organisation’s alerts, 50 a page unless asked, and audits the read', async () => {
    const deps = fakes();
    await listMisuseAlerts(deps, auditor, { status: 'open' }, facts);
    expect(deps.alerts.list).toHaveBeenCalledWith('ORG-LEEDS-CC', {
      status: 'open',
      limit: 50,
      cursor: undefined,
    });
    expect(deps.recorded).toEqual([
      expect.objectContaining({ action: 'list-misuse-alerts', outcome: 'success', actorId: 'user-auditor' }),
    ]);
  });

  it('records the outcome, who and when, against the version read, with its audit event', async () => {
    const deps = fakes();
    const next = await reviewMisuseAlert(deps, auditor, stored.alertId, { outcome: 'referred' }, 2, facts);
    expect(next).toEqual({
      ...stored,
      status: 'referred',
      note: undefined,
      reviewedBy: 'user-auditor',
      reviewedAt: '2026-11-22T10:00:00.000Z',
      reviews: [{ outcome: 'referred', by: 'user-auditor', at: '2026-11-22T10:00:00.000Z' }],
      version: 3,
      expiresAt: undefined,
    });
    expect('note' in next).toBe(false);
    expect(deps.alerts.review).toHaveBeenCalledWith(
      next,
      2,
      expect.objectContaining({
        action: 'review-misuse-alert',
        outcome: 'success',
        subjectUserId: 'nurse',
        note: `misuse alert ${stored.alertId}: from investigating to referred`,
      }),
    );
  });

  it('needs If-Match before reading anything (428), and refuses a stale version (412) without writing', async () => {
    const deps = fakes();
    await expect(
      reviewMisuseAlert(deps, auditor, stored.alertId, { outcome: 'no-case' }, undefined, facts),
    ).rejects.toBeInstanceOf(PreconditionRequiredError);
    expect(deps.alerts.get).not.toHaveBeenCalled();
    await expect(
      reviewMisuseAlert(deps, auditor, stored.alertId, { outcome: 'no-case' }, 1, facts),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(deps.alerts.review).not.toHaveBeenCalled();
  });

  it('treats another organisation’s alert as not found, and audits the attempt', async () => {
    const deps = fakes();
    const bradford = { ...auditor, userId: 'user-bradford', organisationId: 'ORG-BRADFORD-MDC' };
    await expect(
      reviewMisuseAlert(deps, bradford, stored.alertId, { outcome: 'no-case' }, 2, facts),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(deps.alerts.get).toHaveBeenCalledWith('ORG-BRADFORD-MDC', stored.alertId);
    expect(deps.alerts.review).not.toHaveBeenCalled();
    expect(deps.recorded).toEqual([
      expect.objectContaining({
        action: 'review-misuse-alert',
        outcome: 'not-found',
        actorId: 'user-bradford',
      }),
    ]);
  });

  it('refuses an auditor the review of an alert about themselves (403, its own problem type), audited, nothing written', async () => {
    const deps = fakes({ ...stored, subjectUserId: auditor.userId });
    const refused = reviewMisuseAlert(deps, auditor, stored.alertId, { outcome: 'no-case' }, 2, facts);
    await expect(refused).rejects.toBeInstanceOf(OwnMisuseAlertError);
    const problem = problemFor(await refused.catch((e: unknown) => e));
    expect(problem).toMatchObject({ status: 403, type: '/problems/own-misuse-alert' });
    expect(deps.alerts.review).not.toHaveBeenCalled();
    expect(deps.recorded).toEqual([
      expect.objectContaining({
        action: 'review-misuse-alert',
        outcome: 'denied',
        actorId: 'user-auditor',
        note: `misuse alert ${stored.alertId}: about the reviewer`,
      }),
    ]);
  });

  it('keeps every review (outcome, note, by, at) in the alert’s history instead of overwriting the last note', async () => {
    const deps = fakes({ ...stored, status: 'open', note: undefined, version: 1 });
    const first = await reviewMisuseAlert(
      deps,
      auditor,
      stored.alertId,
      { outcome: 'investigating', note: 'Asked the ward manager' },
      1,
      facts,
    );
    deps.alerts.get.mockResolvedValueOnce(first);
    const colleague = { ...auditor, userId: 'user-auditor-2' };
    const second = await reviewMisuseAlert(
      deps,
      colleague,
      stored.alertId,
      { outcome: 'no-case', note: 'Covering a colleague’s caseload' },
      2,
      facts,
    );
    expect(second.reviews).toEqual([
      {
        outcome: 'investigating',
        note: 'Asked the ward manager',
        by: 'user-auditor',
        at: '2026-11-22T10:00:00.000Z',
      },
      {
        outcome: 'no-case',
        note: 'Covering a colleague’s caseload',
        by: 'user-auditor-2',
        at: '2026-11-22T10:00:00.000Z',
      },
    ]);
    expect(second).toMatchObject({
      status: 'no-case',
      note: 'Covering a colleague’s caseload',
      reviewedBy: 'user-auditor-2',
    });
    expect(deps.alerts.review).toHaveBeenLastCalledWith(
      second,
      2,
      expect.objectContaining({ note: `misuse alert ${stored.alertId}: from investigating to no-case` }),
    );
  });

  it('bounds the history: the oldest review is dropped once it holds MISUSE_REVIEW_HISTORY', async () => {
    const reviews = Array.from({ length: MISUSE_REVIEW_HISTORY }, (_, i) => ({
      outcome: 'investigating' as const,
      note: `review ${i}`,
      by: 'user-auditor-2',
      at: '2026-11-21T10:00:00.000Z',
    }));
    const deps = fakes({ ...stored, reviews });
    const next = await reviewMisuseAlert(deps, auditor, stored.alertId, { outcome: 'referred' }, 2, facts);
    expect(next.reviews).toHaveLength(MISUSE_REVIEW_HISTORY);
    expect(next.reviews?.[0]?.note).toBe('review 1');
    expect(next.reviews?.at(-1)).toEqual({
      outcome: 'referred',
      by: 'user-auditor',
      at: '2026-11-22T10:00:00.000Z',
    });
  });

  it('keeps an alert under investigation or referred without expiry, and expires one closed as no case 180 days after that review', async () => {
    const reviewedAt = Date.parse('2026-11-22T10:00:00Z') / 1000;
    for (const outcome of ['investigating', 'referred'] as const) {
      const next = await reviewMisuseAlert(fakes(), auditor, stored.alertId, { outcome }, 2, facts);
      expect('expiresAt' in next, outcome).toBe(false);
    }
    const closed = await reviewMisuseAlert(
      fakes({ ...stored, expiresAt: undefined }),
      auditor,
      stored.alertId,
      { outcome: 'no-case' },
      2,
      facts,
    );
    expect(closed.expiresAt).toBe(reviewedAt + 180 * 86_400);
  });
});
