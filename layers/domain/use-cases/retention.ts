import type { Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { type ChildRecord, etagOf } from '../child/record.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../errors.ts';
import type { ChildArchive, Dependencies, Environment, Inbox, RetentionStore } from '../ports.ts';
import type { ArchivedChild, LiveHoldings } from '../retention/archive.ts';
import { leavingRule } from '../retention/leaving.ts';
import { isDueToLeave, leavingDay, londonDay, purgeDay, type RetentionFacts } from '../retention/rule.ts';
import type {
  ArchivedChildAnswer,
  ConsentRequest,
  ConsentWithdrawal,
  DeathNoticeRequest,
  InvestigationQuery,
  RetentionStatus,
} from '../retention/schema.ts';
import { loadForChange, refuse } from './guard.ts';

type ChangeDeps = Pick<Dependencies, 'children' | 'audit' | 'env'>;

/** What the team is told: when the record now leaves, and why (R7). */
export function retentionStatusOf(record: ChildRecord): RetentionStatus {
  const retention = record.retention;
  return {
    childId: record.childId,
    leavesOn: leavingDay(record),
    leavesBecause: leavingRule(record),
    ...(retention?.consent && { consentGivenOn: retention.consent.givenOn }),
    ...(retention?.consentWithdrawnOn && { consentWithdrawnOn: retention.consentWithdrawnOn }),
    ...(retention?.death && { dateOfDeath: retention.death.dateOfDeath }),
    etag: etagOf(record.version),
  };
}

function notInFuture(field: string, day: string, today: string): void {
  if (day > today) throw new ValidationError([{ field, message: 'is in the future' }]);
}

function notBeforeBirth(field: string, day: string, record: ChildRecord): void {
  if (day < record.dateOfBirth)
    throw new ValidationError([{ field, message: 'is before the date of birth' }]);
}

/** One change of the retention facts, by the maintaining council's team, with its audit event (R6). */
async function changeRetention(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  facts: RequestFacts,
  action: 'record-retention-consent' | 'withdraw-retention-consent' | 'record-death-notice',
  change: (record: ChildRecord, today: string, now: string) => RetentionFacts,
): Promise<RetentionStatus> {
  const record = await loadForChange(deps, principal, facts, action, childId);
  const now = deps.env.now();
  const today = londonDay(now);
  let retention: RetentionFacts;
  try {
    retention = change(record, today, now.toISOString());
  } catch (error) {
    if (error instanceof ConflictError) return refuse(deps, principal, facts, action, [childId], error);
    throw error;
  }
  const next: ChildRecord = {
    ...record,
    retention,
    version: record.version + 1,
    updatedAt: now.toISOString(),
  };
  await deps.children.replace(
    record,
    next,
    auditEventFor(deps.env, principal, facts, {
      action,
      outcome: 'success',
      childIds: [childId],
      // R7: which rule now sets the leaving day; never a date of the child's.
      note: `leaves by rule ${leavingRule(next)}`,
    }),
  );
  return retentionStatusOf(next);
}

/**
 * R7: the young person's consent to stay until their 25th birthday. Recorded while the record is live — once
 * its leaving day has come, it is leaving (409), and consent already recorded is not recorded twice (409).
 */
export function recordRetentionConsent(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  request: ConsentRequest,
  facts: RequestFacts,
): Promise<RetentionStatus> {
  return changeRetention(
    deps,
    principal,
    childId,
    facts,
    'record-retention-consent',
    (record, today, now) => {
      notInFuture('givenOn', request.givenOn, today);
      notBeforeBirth('givenOn', request.givenOn, record);
      if (record.retention?.consent) throw new ConflictError('Consent to stay until 25 is already recorded');
      if (isDueToLeave(record, today))
        throw new ConflictError('The record has reached its leaving day and is being archived');
      const { consentWithdrawnOn: _withdrawn, ...rest } = record.retention ?? {};
      return {
        ...rest,
        consent: { givenOn: request.givenOn, recordedAt: now, recordedBy: principal.userId },
      };
    },
  );
}

/**
 * R7: consent withdrawn — the 18th-birthday rule applies again. A young person already 18 leaves at the
 * retention job's next run (their leaving day has passed).
 */
export function withdrawRetentionConsent(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  request: ConsentWithdrawal,
  facts: RequestFacts,
): Promise<RetentionStatus> {
  return changeRetention(deps, principal, childId, facts, 'withdraw-retention-consent', (record, today) => {
    notInFuture('withdrawnOn', request.withdrawnOn, today);
    const consent = record.retention?.consent;
    if (!consent) throw new ConflictError('No consent to stay until 25 is recorded');
    if (request.withdrawnOn < consent.givenOn)
      throw new ValidationError([{ field: 'withdrawnOn', message: 'is before the consent was given' }]);
    const { consent: _consent, ...rest } = record.retention ?? {};
    return { ...rest, consentWithdrawnOn: request.withdrawnOn };
  });
}

/**
 * R7: a notice of death. The record stays live for one year after the date of death (or until its earlier
 * leaving day). A later notice corrects the date.
 */
export function recordDeathNotice(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  request: DeathNoticeRequest,
  facts: RequestFacts,
): Promise<RetentionStatus> {
  return changeRetention(deps, principal, childId, facts, 'record-death-notice', (record, today, now) => {
    notInFuture('dateOfDeath', request.dateOfDeath, today);
    notBeforeBirth('dateOfDeath', request.dateOfDeath, record);
    return {
      ...record.retention,
      death: { dateOfDeath: request.dateOfDeath, recordedAt: now, recordedBy: principal.userId },
    };
  });
}

export interface RetentionJobDeps {
  retention: RetentionStore;
  archive: ChildArchive;
  /** R9 alerts about a leaving child, deleted from its practitioners' inboxes. */
  inbox: Pick<Inbox, 'removeForChild'>;
  env: Pick<Environment, 'now' | 'newId'>;
}

export interface RetentionSummary {
  /** The UK day the run took as today. */
  today: string;
  /** Records archived and removed from the live directory. */
  archived: number;
  /** Found by the index but no longer due (consent recorded meanwhile) or already gone. */
  skipped: number;
  /** Records that failed (left for the next run, which finishes them); never their IDs in logs. */
  failed: number;
  /** Archives destroyed six years on. */
  purged: number;
  /** Archives due for destruction that could not be destroyed (left for the next run). */
  purgeFailed: number;
  /** The run stopped taking records because its time was nearly up; the next run continues. */
  stoppedEarly: boolean;
}

const SYSTEM = { userId: 'system:retention', organisationId: 'contactpoint', roles: [] };
const SCHEDULED = { requestId: 'scheduled', sourceIp: 'internal' };
/** A record changed between its read and its removal is read and archived again, this many times at most. */
const RACE_ATTEMPTS = 3;

/** Items of `earlier` not in `later` (by `id`), then all of `later`: nothing once archived is lost on a re-run. */
function union<T>(earlier: T[], later: T[], id: (item: T) => string): T[] {
  const ids = new Set(later.map(id));
  return [...earlier.filter((item) => !ids.has(id(item))), ...later];
}

/**
 * One record leaves (R7): archived first, then removed from the live directory in one conditional write.
 * A crash between the two leaves the record live and due, so the next run finishes it; an archive already
 * written keeps whatever an interrupted removal had taken away.
 */
async function archiveOne(
  deps: RetentionJobDeps,
  childId: string,
  today: string,
): Promise<'archived' | 'skipped'> {
  for (let attempt = 1; ; attempt++) {
    const held = await deps.retention.holdings(childId);
    if (!held || !isDueToLeave(held.record, today)) return 'skipped';
    const existing = await deps.archive.get(childId);
    const archived: ArchivedChild = {
      childId,
      record: held.record,
      involvements: union(existing?.involvements ?? [], held.involvements, (i) => i.involvementId),
      contactRequests: union(existing?.contactRequests ?? [], held.contactRequests, (r) => r.requestId),
      leftBecause: leavingRule(held.record),
      archivedAt: existing?.archivedAt ?? deps.env.now().toISOString(),
      archivedOn: existing?.archivedOn ?? today,
      purgeOn: existing?.purgeOn ?? purgeDay(today),
    };
    if (!sameArchive(existing, archived)) await deps.archive.put(archived);
    // Alerts go before the record: a failure here leaves the record live and due, so the next run repeats it.
    // They are only ever written to the inboxes of those who recorded its involvements (R9).
    await deps.inbox.removeForChild(
      childId,
      archived.involvements.map((i) => i.recordedBy),
    );
    try {
      await deps.retention.removeLive(
        held,
        { childId, archivedOn: archived.archivedOn, purgeOn: archived.purgeOn },
        auditEventFor(deps.env, SYSTEM, SCHEDULED, {
          action: 'archive-child',
          outcome: 'success',
          childIds: [childId],
          note: `R7 ${archived.leftBecause}`,
        }),
      );
      return 'archived';
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= RACE_ATTEMPTS) throw error;
    }
  }
}

function sameArchive(existing: ArchivedChild | undefined, next: ArchivedChild): boolean {
  return (
    existing !== undefined &&
    existing.record.version === next.record.version &&
    existing.involvements.length === next.involvements.length &&
    existing.contactRequests.length === next.contactRequests.length &&
    JSON.stringify(existing) === JSON.stringify(next)
  );
}

/** Runs `work` over `ids` with `concurrency` at a time. */
async function inParallel(ids: string[], concurrency: number, work: (id: string) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < ids.length) await work(ids[next++] as string);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
}

export interface RetentionJobOptions {
  /**
   * The UK day the run works on; by default the clock's. A test of a whole local stack, or an operator catching up,
   * sets it while the clock stays true, so that audit events keep the real time (a future-dated event is one the
   * audit verifier rightly refuses, R6).
   */
  today?: string;
  /** Records handled at once. */
  concurrency?: number;
  /** Called after each page of records, with the counts so far (no child data). */
  onProgress?: (summary: RetentionSummary) => void;
  /** Milliseconds the run may still take (Lambda's remaining time); it stops taking records below a margin. */
  timeLeft?: () => number;
  /** Called for each record that failed, with the error only (never the child's ID in a log). */
  onFailure?: (error: unknown) => void;
}

/** Stop taking new pages when less than this is left: a page must finish before the function's timeout. */
const STOP_MARGIN_MS = 60_000;

/**
 * R7, daily: every live record whose leaving day has come (the 18th birthday; the 25th with consent; a year
 * after a death) is archived with its involvements and contact requests and removed from the live directory,
 * so a search answers as for a child who does not exist. Then archives six years old are destroyed. Found by
 * the retention index, never a scan. The audit trail is not touched: it keeps its own retention (R6).
 */
export async function runRetention(
  deps: RetentionJobDeps,
  options: RetentionJobOptions = {},
): Promise<RetentionSummary> {
  const today = options.today ?? londonDay(deps.env.now());
  const summary: RetentionSummary = {
    today,
    archived: 0,
    skipped: 0,
    failed: 0,
    purged: 0,
    purgeFailed: 0,
    stoppedEarly: false,
  };
  const concurrency = options.concurrency ?? 8;
  const timeUp = () => (options.timeLeft ? options.timeLeft() < STOP_MARGIN_MS : false);
  for await (const page of deps.retention.dueToLeave(today)) {
    if (timeUp()) {
      summary.stoppedEarly = true;
      break;
    }
    await inParallel(page, concurrency, async (childId) => {
      try {
        summary[await archiveOne(deps, childId, today)]++;
      } catch (error) {
        summary.failed++;
        options.onFailure?.(error);
      }
    });
    options.onProgress?.(summary);
  }
  if (!summary.stoppedEarly) await purgeArchives(deps, summary, concurrency, options);
  return summary;
}

/** R7: archives whose six years are over are destroyed, then their entries forgotten (a re-run finishes either). */
async function purgeArchives(
  deps: RetentionJobDeps,
  summary: RetentionSummary,
  concurrency: number,
  options: RetentionJobOptions,
): Promise<void> {
  for await (const page of deps.retention.dueForPurge(summary.today)) {
    await inParallel(page, concurrency, async (childId) => {
      try {
        await deps.archive.destroy(childId);
        await deps.retention.forget(
          childId,
          auditEventFor(deps.env, SYSTEM, SCHEDULED, {
            action: 'purge-archived-child',
            outcome: 'success',
            childIds: [childId],
            note: 'R7 archive destroyed six years after archiving',
          }),
        );
        summary.purged++;
      } catch (error) {
        summary.purgeFailed++;
        options.onFailure?.(error);
      }
    });
  }
}

/**
 * R7, R5, R6: an auditor reads an archived record for an investigation they name. Only auditors of the council
 * that maintained the record (or, for a shielded record, that shielded it) read it, and only until its purge day; to anyone else, and after
 * that, it is as if there were none (404). Every read and every refusal is audited with its reason.
 */
export async function readArchivedChild(
  deps: {
    retention: Pick<RetentionStore, 'archiveEntry'>;
    archive: Pick<ChildArchive, 'get'>;
    audit: Dependencies['audit'];
    env: Environment;
  },
  auditor: Principal,
  childId: string,
  query: InvestigationQuery,
  facts: RequestFacts,
): Promise<ArchivedChildAnswer> {
  const today = londonDay(deps.env.now());
  const note = `${query.reason}: ${query.reasonText}`;
  const entry = await deps.retention.archiveEntry(childId);
  const archived = entry && entry.purgeOn > today ? await deps.archive.get(childId) : undefined;
  // R3: a record shielded when it left is read only by the shielding council's auditors, since it holds
  // whereabouts; otherwise by the maintaining council's.
  const council = auditor.localAuthority;
  const readingCouncil = archived?.record.shield?.authority ?? archived?.record.localAuthority;
  const reads = archived !== undefined && council !== undefined && readingCouncil === council;
  if (!archived || !reads) {
    return refuse(
      deps,
      auditor,
      facts,
      'read-archived-child',
      [childId],
      new NotFoundError('Archived child'),
      note,
    );
  }
  await deps.audit.record(
    auditEventFor(deps.env, auditor, facts, {
      action: 'read-archived-child',
      outcome: 'success',
      childIds: [childId],
      disclosure: { [childId]: 'full' },
      note,
    }),
  );
  return answerOf(archived);
}

function answerOf(archived: ArchivedChild): ArchivedChildAnswer {
  return {
    childId: archived.childId,
    leftBecause: archived.leftBecause,
    archivedOn: archived.archivedOn,
    purgeOn: archived.purgeOn,
    record: archived.record as unknown as Record<string, unknown>,
    involvements: archived.involvements as unknown as Record<string, unknown>[],
    contactRequests: archived.contactRequests as unknown as Record<string, unknown>[],
  };
}

export type { LiveHoldings };
