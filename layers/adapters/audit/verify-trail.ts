import {
  type AttributeValue,
  ScanCommand as RawScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { canonicalJson, type SealProblem, verifySeals } from '#domain/audit/seal.ts';
import type { SealDeps } from '#domain/use-cases/seal-audit-events.ts';
import { auditEventFromImage } from '../dynamo/audit-image.ts';
import { type TrailIndexItem, trailIndexItems } from '../dynamo/audit-index.ts';

/** What the audit index holds that the sealed events do not say, or the reverse (R6). */
export type IndexProblem =
  | { kind: 'index-edited'; subject: string; atEvent: string }
  | { kind: 'index-invented'; subject: string; atEvent: string }
  | { kind: 'index-missing'; subject: string; atEvent: string };

export type TrailProblem = SealProblem | IndexProblem;

export interface TrailVerification {
  seals: number;
  sealedEvents: number;
  pendingEvents: number;
  problems: TrailProblem[];
}

/**
 * Reads the audit index, every seal with the events kept beside it, and every audit event as stored now
 * (full reads: this is the verifier, never a request path), and checks each against the others. Read in
 * that order, since each is written after the one before it: whatever the index holds was sealed first,
 * and events newer than the seals read are pending, not missing.
 */
export async function verifyAuditTrail(
  db: DynamoDBDocumentClient,
  tables: { audit: string; auditIndex: string },
  deps: Pick<SealDeps, 'seals' | 'hasher' | 'key'>,
  options: { lagSeconds: number; now?: Date },
): Promise<TrailVerification> {
  const index: TrailIndexItem[] = [];
  for await (const page of paginateScan(
    { client: db },
    { TableName: tables.auditIndex, ConsistentRead: true },
  )) {
    index.push(...((page.Items ?? []) as TrailIndexItem[]));
  }
  const seals = await deps.seals.all();
  const kept = new Map<number, AuditEvent[] | undefined>();
  for (const seal of seals) kept.set(seal.sequence, await deps.seals.keptEvents(seal.sequence));
  const replaced = await deps.seals.replacedObjects();
  // Item by item, so that one item that cannot be read as an audit event is named, not fatal.
  const events: AuditEvent[] = [];
  const unreadable = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    // The low-level Scan (items as DynamoDB holds them) through the document client's connection.
    const page = (await db.send(
      new RawScanCommand({
        TableName: tables.audit,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }) as never,
    )) as ScanCommandOutput;
    start = page.LastEvaluatedKey;
    for (const item of page.Items ?? []) {
      const event = auditEventFromImage(item);
      if (event) events.push(event);
      else {
        const eventId = item.eventId?.S ?? '(no event ID)';
        unreadable.add(eventId);
        events.push({ eventId, at: item.at?.S } as AuditEvent);
      }
    }
  } while (start);
  const now = options.now ?? new Date();
  const result = await verifySeals(
    { seals, events, unreadable, kept, replaced },
    { hasher: deps.hasher, key: deps.key, now, lagSeconds: options.lagSeconds },
  );
  const problems: TrailProblem[] = [
    ...result.problems,
    ...checkIndex(index, result.sealedContent, now, options.lagSeconds),
  ];
  return {
    seals: seals.length,
    sealedEvents: result.sealedEvents,
    pendingEvents: result.pendingEvents,
    problems,
  };
}

/**
 * The index as filed against the index derived from the sealed events by the same function that filed
 * it. An item missing is only a problem once its event is older than the lag (filing follows sealing).
 */
function checkIndex(
  index: TrailIndexItem[],
  sealed: AuditEvent[],
  now: Date,
  lagSeconds: number,
): IndexProblem[] {
  const problems: IndexProblem[] = [];
  const keyOf = (item: { subject: string; atEvent: string }) => `${item.subject}\n${item.atEvent}`;
  const expected = new Map(trailIndexItems(sealed).map((item) => [keyOf(item), item]));
  const found = new Set<string>();
  for (const item of index) {
    const key = keyOf(item);
    found.add(key);
    const derived = expected.get(key);
    const where = { subject: item.subject, atEvent: item.atEvent };
    if (!derived) problems.push({ kind: 'index-invented', ...where });
    else if (canonicalJson(derived) !== canonicalJson(item))
      problems.push({ kind: 'index-edited', ...where });
  }
  for (const [key, item] of expected) {
    if (found.has(key)) continue;
    if ((now.getTime() - Date.parse(item.at)) / 1000 > lagSeconds)
      problems.push({ kind: 'index-missing', subject: item.subject, atEvent: item.atEvent });
  }
  return problems;
}

export function describeProblem(problem: TrailProblem): string {
  switch (problem.kind) {
    case 'event-edited':
      return `event ${problem.eventId} was changed after it was sealed (seal ${problem.sequence})${
        problem.contentKept ? `; the content as sealed is kept with seal ${problem.sequence}` : ''
      }`;
    case 'event-deleted':
      return `event ${problem.eventId} was deleted after it was sealed (seal ${problem.sequence})${
        problem.contentKept
          ? `; its content as sealed is kept with seal ${problem.sequence} (audit-seals/events/)`
          : '; its content is lost'
      }`;
    case 'event-unsealed':
      return `event ${problem.eventId} is not in any seal ${
        problem.ageSeconds === undefined
          ? '(its time cannot be read)'
          : `${problem.ageSeconds} s after it was written`
      }, more than the ${problem.lagSeconds} s sealing lag allows: ${
        problem.unreadable
          ? 'it is not a readable audit event (a poison event the sealer left out)'
          : 'a batch was skipped or stalled, or the event was inserted afterwards'
      }`;
    case 'event-backdated':
      return `event ${problem.eventId} in seal ${problem.sequence} is dated ${problem.secondsBeforePreviousSeal} s before the seal before it was made (more than the ${problem.lagSeconds} s lag): it was written afterwards with a past time`;
    case 'event-future-dated':
      return `event ${problem.eventId}${problem.sequence === undefined ? '' : ` in seal ${problem.sequence}`} is dated after ${problem.sequence === undefined ? 'now' : 'its seal was made'}, beyond the sealing lag: it was written with a future time`;
    case 'events-reordered':
      return `event ${problem.eventId} is out of order in seal ${problem.sequence}`;
    case 'seal-tampered':
      return `seal ${problem.sequence} ${problem.detail}`;
    case 'seal-replaced':
      return `seal ${problem.sequence} was replaced: ${problem.versions} versions of ${problem.key}`;
    case 'kept-events-missing':
      return `seal ${problem.sequence} has no kept events (audit-seals/events/ is missing its file)`;
    case 'kept-event-mismatch':
      return `event ${problem.eventId} as kept with seal ${problem.sequence} does not match its seal`;
    case 'index-edited':
      return `audit index item ${problem.subject} ${problem.atEvent} was edited: it differs from its sealed event`;
    case 'index-invented':
      return `audit index item ${problem.subject} ${problem.atEvent} has no sealed event behind it`;
    case 'index-missing':
      return `audit index item ${problem.subject} ${problem.atEvent} is missing for a sealed event`;
  }
}
