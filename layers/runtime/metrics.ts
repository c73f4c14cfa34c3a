import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The product's own counters, emitted as CloudWatch EMF and drawn on the operators' dashboard. Counts
 * only: no dimension ever names a child, a user or a search term.
 */
export const PRODUCT_METRICS = [
  'Searches',
  'Views',
  'ShieldedViews',
  'ShieldOverrides',
  'RecordChanges',
  'InvolvementChanges',
  /** R8: pushes answered from an earlier request with the same Idempotency-Key (nothing changed again). */
  'IdempotentReplays',
  /** R8: changes whose answer could not be kept for retries (the change stands; its key lapses). */
  'IdempotentAnswersNotKept',
  'Denials',
  'RateLimited',
  'AccountChanges',
  'IdentitySyncFailures',
  'MisuseAlerts',
  'MisuseDetectionFailures',
  'AuditWrites',
  /** Stream records that could not be read as audit events: left unsealed, named by the verifier (R6). */
  'AuditPoisonEvents',
  'AuditVerificationFailures',
  /** R8 feed loads, counted by the report of each load: rows read, rows refused, children created, rows left to a person. */
  'FeedRows',
  'FeedRowsRejected',
  'FeedChildrenCreated',
  'FeedRowsQueuedForReview',
  /** R7: consent and death notices recorded; records archived, failed, archives destroyed; auditors' reads. */
  'RetentionChanges',
  'RecordsArchived',
  'RetentionFailures',
  'ArchivesPurged',
  'ArchivedRecordReads',
  /** R9: alerts written to inboxes; daily digests mailed, and those that could not be sent. */
  'ChildAlerts',
  'AlertDigestsMailed',
  'AlertDigestFailures',
] as const;
export type ProductMetric = (typeof PRODUCT_METRICS)[number];

export const metrics = new Metrics({ namespace: 'ContactPoint', serviceName: 'contactpoint' });

export function count(metric: ProductMetric): void {
  metrics.addMetric(metric, MetricUnit.Count, 1);
}

/** How long the oldest event of a sealed batch waited for its seal (R6: the chain should keep up). */
export function recordSealLag(seconds: number): void {
  metrics.addMetric('SealLagSeconds', MetricUnit.Seconds, seconds);
}

/** Problems found by a verification run (R6); any is an incident. */
export function recordVerificationFailures(problems: number): void {
  metrics.addMetric('AuditVerificationFailures', MetricUnit.Count, problems);
}

/** A feed load's counts, once, when its report is written (R8). */
export function recordFeedLoad(counts: {
  rows: number;
  rejected: number;
  created: number;
  queuedForReview: number;
}): void {
  metrics.addMetric('FeedRows', MetricUnit.Count, counts.rows);
  metrics.addMetric('FeedRowsRejected', MetricUnit.Count, counts.rejected);
  metrics.addMetric('FeedChildrenCreated', MetricUnit.Count, counts.created);
  metrics.addMetric('FeedRowsQueuedForReview', MetricUnit.Count, counts.queuedForReview);
}
