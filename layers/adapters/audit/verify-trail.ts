import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type SealProblem, verifySeals } from '#domain/audit/seal.ts';
import type { SealDeps } from '#domain/use-cases/seal-audit-events.ts';

export interface TrailVerification {
  seals: number;
  sealedEvents: number;
  pendingEvents: number;
  problems: SealProblem[];
}

/**
 * Reads every audit event as stored now (a full read: this is the verifier, never a request path)
 * and every seal, and checks one against the other.
 */
export async function verifyAuditTrail(
  db: DynamoDBDocumentClient,
  auditTable: string,
  deps: Pick<SealDeps, 'seals' | 'hasher' | 'key'>,
): Promise<TrailVerification> {
  const events: AuditEvent[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: auditTable, ConsistentRead: true })) {
    events.push(...((page.Items ?? []) as AuditEvent[]));
  }
  const seals = await deps.seals.all();
  const result = await verifySeals(seals, events, deps.hasher, deps.key);
  return { seals: seals.length, ...result };
}

export function describeProblem(problem: SealProblem): string {
  switch (problem.kind) {
    case 'event-edited':
      return `event ${problem.eventId} was changed after it was sealed (seal ${problem.sequence})`;
    case 'event-deleted':
      return `event ${problem.eventId} was deleted after it was sealed (seal ${problem.sequence})`;
    case 'event-inserted':
      return `event ${problem.eventId} is not in any seal but is older than the last seal: inserted afterwards`;
    case 'events-reordered':
      return `event ${problem.eventId} is out of order in seal ${problem.sequence}`;
    case 'seal-tampered':
      return `seal ${problem.sequence} ${problem.detail}`;
  }
}
