import { createHash } from 'node:crypto';
import type { TrailSubject } from '#domain/audit/trail.ts';
import { ARCHIVE_ENTRY_SK, BLOCKING_KEY_SK_PREFIX, CHILD_RECORD_SK } from './tables.ts';

/** The subject of a machine client (R8) as an involvement's `recordedBy`. */
const MACHINE_RECORDER_PREFIX = 'client:';

/** R7: how many partitions the retention index spreads live records (and archive entries) over. */
export const RETENTION_SHARDS = 16;

/** R9: how many partitions the digest index spreads waiting alerts over. */
export const DIGEST_SHARDS = 4;

function shardOf(value: string, shards: number): number {
  return (createHash('sha256').update(value, 'utf8').digest()[0] as number) % shards;
}

function retentionShardOf(childId: string): number {
  return shardOf(childId, RETENTION_SHARDS);
}

const CHILD_SOURCE_SK_PREFIX = 'SOURCE#';
/** Sort keys of the items that are not a child's own: identifier and identity claims, a feed row's state. */
const CLAIM_SK = 'CLAIM';
const IDENTITY_SK = 'IDENTITY';
const SOURCE_LINK_SK = 'LINK';
const SOURCE_PENDING_SK = 'PENDING';
const SOURCE_NOT_SK_PREFIX = 'NOT#';
/** R7: what the retention job leaves where a departed child's row link, identifier or identity claim was. */
const DEPARTED_SK = 'GONE';

/** Every DynamoDB key ContactPoint writes is built here. */
export const keys = {
  childRecord: (childId: string) => ({ childId, sk: CHILD_RECORD_SK }),
  /** R7 index attributes of a record item: its shard of live records, by the day it leaves. */
  leavingIndexes: (childId: string, leavesOn: string) => ({
    retentionShard: `LEAVE#${retentionShardOf(childId)}`,
    retentionDay: leavesOn,
  }),
  /**
   * R7: what is left of a record once archived — its ContactPoint ID and two days, nothing else — so that the
   * auditors' investigation read finds the archive and the purge job finds it on its purge day.
   */
  archiveEntry: (childId: string) => ({ childId, sk: ARCHIVE_ENTRY_SK }),
  archiveEntryIndexes: (childId: string, purgeOn: string) => ({
    retentionShard: `PURGE#${retentionShardOf(childId)}`,
    retentionDay: purgeOn,
  }),
  /** Every shard of one kind, for the jobs' queries. */
  retentionShards: (kind: 'LEAVE' | 'PURGE') =>
    Array.from({ length: RETENTION_SHARDS }, (_, shard) => `${kind}#${shard}`),
  /** A child's blocking-key item; `hashedKey` is the keyed hash, never the key material (no name, no date). */
  childBlockingKey: (childId: string, hashedKey: string) => ({
    childId,
    sk: `${BLOCKING_KEY_SK_PREFIX}${hashedKey}`,
  }),
  /**
   * An identifier's claim: one item per NHS number or UPN, naming the one record that holds it. Keyed by
   * the identifier's keyed hash (`identifierClaimMaterial`), so the table never holds the identifier as a key.
   */
  identifierClaim: (hashedClaim: string) => ({ childId: `CLAIM#${hashedClaim}`, sk: CLAIM_SK }),
  identifierClaimMaterial: (kind: 'nhsNumber' | 'upn', value: string) =>
    `claim#${kind === 'nhsNumber' ? 'NHS' : 'UPN'}#${value}`,
  /**
   * R8: a feed row's link to the child it describes, and a data manager's "not this child" decisions, in one
   * partition per row, keyed by the keyed hash of the row's source reference (an NHS number, a registration).
   */
  sourceMaterial: (feed: string, sourceId: string) => `source#${feed}#${sourceId}`,
  /** R8: the record first made with a feed row's identity (names and date of birth), keyed by its keyed hash. */
  identityClaim: (hashedIdentity: string) => ({ childId: `IDENTITY#${hashedIdentity}`, sk: IDENTITY_SK }),
  sourceLink: (hashedSource: string) => ({ childId: `SOURCE#${hashedSource}`, sk: SOURCE_LINK_SK }),
  sourceNot: (hashedSource: string, childId: string) => ({
    childId: `SOURCE#${hashedSource}`,
    sk: `${SOURCE_NOT_SK_PREFIX}${childId}`,
  }),
  sourceNotPrefix: SOURCE_NOT_SK_PREFIX,
  sourcePending: (hashedSource: string) => ({ childId: `SOURCE#${hashedSource}`, sk: SOURCE_PENDING_SK }),
  /**
   * R7: a tombstone in the partition of a row link (`SOURCE#`), an identifier claim (`CLAIM#`) or an identity
   * claim (`IDENTITY#`) of a child whose record has left: a later feed row with that key makes no record (or,
   * by identity alone, goes before a team). Keyed hashes only; kept until the archive is destroyed.
   */
  departed: (partition: string) => ({ childId: partition, sk: DEPARTED_SK }),
  departedSk: DEPARTED_SK,
  /** A feed row held on the child it describes, for the best view (R8). */
  childSource: (childId: string, feed: string, hashedSource: string) => ({
    childId,
    sk: `${CHILD_SOURCE_SK_PREFIX}${feed}#${hashedSource}`,
  }),
  childSourcePrefix: CHILD_SOURCE_SK_PREFIX,
  /** Whether a sort key is one of the children table's items (a scan may stop at any of them). */
  isChildrenTableSortKey: (sk: string) =>
    [
      CHILD_RECORD_SK,
      CLAIM_SK,
      IDENTITY_SK,
      SOURCE_LINK_SK,
      SOURCE_PENDING_SK,
      ARCHIVE_ENTRY_SK,
      DEPARTED_SK,
    ].includes(sk) ||
    [BLOCKING_KEY_SK_PREFIX, CHILD_SOURCE_SK_PREFIX, SOURCE_NOT_SK_PREFIX].some((prefix) =>
      sk.startsWith(prefix),
    ),
  involvement: (childId: string, involvementId: string) => ({ childId, involvementId }),
  /**
   * Index attributes of an involvement a person recorded: their caseload partition, newest recorded first. None
   * for a machine client's (`client:` subjects, R8), which no one lists as their own.
   */
  recorderIndexes: (involvement: { recordedBy: string; createdAt: string; involvementId: string }) =>
    involvement.recordedBy.startsWith(MACHINE_RECORDER_PREFIX)
      ? {}
      : {
          recorder: involvement.recordedBy,
          recordedAt: `${involvement.createdAt}#${involvement.involvementId}`,
        },
  contactRequest: (childId: string, requestId: string) => ({ childId, requestId }),
  /** Index attribute of a contact request: its team's queue, by status then newest first. */
  contactRequestQueue: (status: string, openedAt: string) => `${status}#${openedAt}`,
  auditEvent: (eventId: string) => ({ eventId }),
  /** R8: a review item in its council's queue; `reviewId` is opaque (see reviewMaterial). */
  review: (queue: string, reviewId: string) => ({ queue, reviewId }),
  /** What a review's opaque ID is the keyed hash of: the feed row and the candidate child. */
  reviewMaterial: (feed: string, sourceId: string, childId: string) =>
    `review#${feed}#${sourceId}#${childId}`,
  /** Index attributes of an open review item (removed once decided): its council's queue, oldest first. */
  openReviewIndexes: (item: { queue: string; raisedAt: string; reviewId: string }) => ({
    openQueue: item.queue,
    openSince: `${item.raisedAt}#${item.reviewId}`,
  }),
  organisation: (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'ORG' }),
  account: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  /** A change awaiting a second administrator, filed under the organisation whose administrators decide it. */
  accountChange: (administeredBy: string, changeId: string) => ({
    pk: `ORG#${administeredBy}`,
    sk: `CHANGE#${changeId}`,
  }),
  accountChangePrefix: 'CHANGE#',
  machineClient: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' }),
  /** R10: one account's count of one kind of request in one minute or UTC day. */
  usageCounter: (userId: string, kind: string, window: { length: string; start: string }) => ({
    counter: `USAGE#${userId}#${kind}#${window.length}#${window.start}`,
  }),
  /**
   * R10 misuse counters of one user's UTC day: the day's summary, and one marker per child seen (a child
   * ID is opaque; nothing else of the child is in a key or item).
   */
  misuseDay: (userId: string, day: string) => ({ userDay: `${userId}#${day}`, item: 'DAY' }),
  misuseDayChild: (userId: string, day: string, childId: string) => ({
    userDay: `${userId}#${day}`,
    item: `CHILD#${childId}`,
  }),
  /** R9/R4: an alert in a user's inbox; its ID starts with the time it was raised, so a query lists newest first. */
  inboxAlert: (recipientId: string, alertId: string) => ({ recipientId, alertId }),
  /**
   * Index attributes of an alert no digest has announced yet (removed once announced or read): spread over
   * a few partitions by recipient, so the digest job reads what is waiting with one Query per shard.
   */
  awaitingDigestIndexes: (recipientId: string, alertId: string) => ({
    digestShard: `DIGEST#${shardOf(recipientId, DIGEST_SHARDS)}`,
    digestAt: alertId,
  }),
  digestShards: () => Array.from({ length: DIGEST_SHARDS }, (_, shard) => `DIGEST#${shard}`),
  /** A user's alert preferences: their own partition of the alerts table, apart from their inbox. */
  alertPreferences: (userId: string) => ({ recipientId: `PREFERENCES#${userId}`, alertId: 'PREFERENCES' }),
  /** R10: a misuse alert, one item for the auditors of its reviewing organisation. */
  misuseAlert: (reviewingOrganisationId: string, alertId: string) => ({
    recipientId: `AUDITORS#${reviewingOrganisationId}`,
    alertId,
  }),
  /** Index attributes of a misuse alert: its reviewing organisation's list, newest first. */
  misuseAlertIndexes: (alert: { reviewingOrganisationId: string; createdAt: string; alertId: string }) => ({
    reviewingOrganisation: alert.reviewingOrganisationId,
    raisedAt: `${alert.createdAt}#${alert.alertId}`,
  }),
  /** The audit index partition of a child's or a user's history. */
  trailSubject: (subject: TrailSubject) =>
    'childId' in subject ? `CHILD#${subject.childId}` : `USER#${subject.userId}`,
  /** Index attributes of an account item: by organisation and status; and, while active, by DBS date. */
  accountIndexes: (account: { organisationId: string; status: string; userId: string }) => ({
    accountOrganisation: account.organisationId,
    accountStatusUser: `${account.status}#${account.userId}`,
    ...(account.status === 'active' && { activeAccount: 'ACTIVE' }),
  }),
} as const;
