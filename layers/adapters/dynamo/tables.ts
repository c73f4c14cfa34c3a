/**
 * Table and index definitions — the single source for the CDK data stack and the local stand-in.
 * Attribute names here are the only place key attribute names are spelled.
 */
export type AttributeType = 'S' | 'N';

export interface KeyDefinition {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  projection: { type: 'ALL' | 'KEYS_ONLY' } | { type: 'INCLUDE'; nonKeyAttributes: string[] };
  /**
   * Queried only by the functions that name it (`FunctionDefinition.indexes`): Query on its table does not reach
   * it. For an index that gathers what no other route should read in one place (one user's caseload).
   */
  namedOnly?: true;
}

export interface TableDefinition {
  /** Logical name; the deployed name comes from configuration. */
  id:
    | 'children'
    | 'involvements'
    | 'audit'
    | 'auditIndex'
    | 'directory'
    | 'alerts'
    | 'idempotency'
    | 'contactRequests'
    | 'usageCounters'
    | 'misuseCounters'
    | 'reviews';
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  indexes: IndexDefinition[];
  /** Which image a stream consumer needs, if any (audit sealing, alerts). */
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /** Attribute holding an epoch-seconds expiry, for items that must not outlive their purpose. */
  timeToLive?: string;
}

export const CHILD_RECORD_SK = 'RECORD';
export const BLOCKING_KEY_SK_PREFIX = 'KEY#';
export const BLOCKING_KEY_INDEX = 'byBlockingKey';
export const ACCOUNTS_BY_ORGANISATION_INDEX = 'accountsByOrganisation';
export const ACTIVE_ACCOUNTS_BY_DBS_INDEX = 'activeAccountsByDbsDate';
export const CONTACT_REQUESTS_BY_BROKER_INDEX = 'byBrokerAuthority';
export const MISUSE_ALERTS_BY_ORGANISATION_INDEX = 'misuseAlertsByOrganisation';
/** R9: alerts no daily digest has announced yet (sparse, keys only, sharded). */
export const AWAITING_DIGEST_INDEX = 'alertsAwaitingDigest';
export const OPEN_REVIEWS_INDEX = 'openReviews';
/** R7: live records by leaving day, and archive entries by purge day (sparse, keys only, sharded). */
export const RETENTION_INDEX = 'byRetentionDay';
export const ARCHIVE_ENTRY_SK = 'ARCHIVED';
/**
 * R7: the children table's items that name a child as their owner (identifier and identity claims, feed-row
 * links: `ownerChildId`) and a data manager's "not this child" decisions (`notChildId`), by child, so that a
 * leaving child's are found by Query; and the review items whose candidate a child is.
 */
export const OWNED_BY_CHILD_INDEX = 'byOwnerChild';
export const NOT_THIS_CHILD_INDEX = 'byNotChild';
export const REVIEWS_BY_CANDIDATE_INDEX = 'byCandidate';
/** A user's own caseload: the involvements they recorded, newest first (sparse: people only, never machine clients). */
export const INVOLVEMENTS_BY_RECORDER_INDEX = 'byRecorder';

/**
 * The idempotency table's attributes, named for the Powertools persistence layer that writes them: its key
 * and TTL as declared below; `expiresAt` in epoch seconds, `inProgressExpiresAt` in epoch milliseconds.
 */
export const IDEMPOTENCY_ATTRIBUTES = {
  keyAttr: 'id',
  expiryAttr: 'expiresAt',
  inProgressExpiryAttr: 'inProgressExpiresAt',
  statusAttr: 'status',
  dataAttr: 'answer',
  validationKeyAttr: 'requestHash',
} as const;

export const TABLES = {
  /**
   * One record item per child plus one sparse item per blocking key (search); once a record has left (R7),
   * only its archive entry, until the archive is destroyed.
   */
  children: {
    id: 'children',
    partitionKey: { name: 'childId', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: [
      {
        indexName: BLOCKING_KEY_INDEX,
        partitionKey: { name: 'blockingKey', type: 'S' },
        sortKey: { name: 'childId', type: 'S' },
        projection: { type: 'INCLUDE', nonKeyAttributes: ['profile'] },
      },
      {
        // R7: each record item under `LEAVE#<shard>` by its leaving day, and each archive entry (left behind
        // by the retention job, no personal data) under `PURGE#<shard>` by its purge day. The retention and
        // purge jobs read what is due with one Query per shard, never a Scan.
        indexName: RETENTION_INDEX,
        partitionKey: { name: 'retentionShard', type: 'S' },
        sortKey: { name: 'retentionDay', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
      {
        // R7: whatever names a child as its owner — identifier claims (CLAIM#), identity claims (IDENTITY#),
        // feed-row links (SOURCE#…/LINK) — by that child, so the retention job deletes them with the record by
        // Query, never a Scan. Sparse: only those items carry `ownerChildId`; items written before the index
        // was added are in it too (DynamoDB builds a new index from the table).
        indexName: OWNED_BY_CHILD_INDEX,
        partitionKey: { name: 'ownerChildId', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
      {
        // R7: a data manager's "not this child" decisions (SOURCE#…/NOT#<child>), by the child they name.
        indexName: NOT_THIS_CHILD_INDEX,
        partitionKey: { name: 'notChildId', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  involvements: {
    id: 'involvements',
    partitionKey: { name: 'childId', type: 'S' },
    sortKey: { name: 'involvementId', type: 'S' },
    indexes: [
      {
        // The involvements one user recorded, by when they were recorded (`<createdAt>#<involvementId>`), so the
        // caseload is one Query on the caller's own partition, never a Scan. Sparse: only involvements a person
        // recorded carry `recorder` (keys.recorderIndexes); a case management system's pushes (R8) and the
        // synthetic seed would each be one hot partition nobody reads.
        indexName: INVOLVEMENTS_BY_RECORDER_INDEX,
        partitionKey: { name: 'recorder', type: 'S' },
        sortKey: { name: 'recordedAt', type: 'S' },
        projection: { type: 'ALL' },
        namedOnly: true,
      },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  /** Append-only (R6): written with a not-exists condition, never updated or deleted. */
  audit: {
    id: 'audit',
    partitionKey: { name: 'eventId', type: 'S' },
    indexes: [],
    stream: 'NEW_IMAGE',
  },
  /**
   * Who looked at which child, and what each user did: one item per event and subject (child or user),
   * derived from the audit stream by the sealer. Rebuildable from the audit table; never the record itself.
   */
  auditIndex: {
    id: 'auditIndex',
    partitionKey: { name: 'subject', type: 'S' },
    sortKey: { name: 'atEvent', type: 'S' },
    indexes: [],
  },
  /** Organisations and accounts (R4). Both indexes are sparse: only account items carry their keys. */
  directory: {
    id: 'directory',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: [
      {
        indexName: ACCOUNTS_BY_ORGANISATION_INDEX,
        partitionKey: { name: 'accountOrganisation', type: 'S' },
        sortKey: { name: 'accountStatusUser', type: 'S' },
        projection: { type: 'ALL' },
      },
      {
        indexName: ACTIVE_ACCOUNTS_BY_DBS_INDEX,
        partitionKey: { name: 'activeAccount', type: 'S' },
        sortKey: { name: 'dbsCertificateDate', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
    ],
    /** Account changes awaiting a second administrator lapse (R4 two-person rule). */
    timeToLive: 'expiresAtEpoch',
  },
  /**
   * Notices to practitioners and auditors (R9, R10); they expire once stale. Each user's inbox is their
   * partition (child alerts and account notices, newest first), with their preferences in a partition of their
   * own; a second sparse index holds the alerts a daily digest has yet to announce. A misuse alert is one item
   * for the auditors of its reviewing organisation; the first sparse index lists them newest first.
   */
  alerts: {
    id: 'alerts',
    partitionKey: { name: 'recipientId', type: 'S' },
    sortKey: { name: 'alertId', type: 'S' },
    indexes: [
      {
        indexName: MISUSE_ALERTS_BY_ORGANISATION_INDEX,
        partitionKey: { name: 'reviewingOrganisation', type: 'S' },
        sortKey: { name: 'raisedAt', type: 'S' },
        projection: { type: 'ALL' },
      },
      {
        indexName: AWAITING_DIGEST_INDEX,
        partitionKey: { name: 'digestShard', type: 'S' },
        sortKey: { name: 'digestAt', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
    ],
    timeToLive: 'expiresAt',
  },
  /** Brokered contact requests (R2, R3): per child, and per brokering council's queue. */
  contactRequests: {
    id: 'contactRequests',
    partitionKey: { name: 'childId', type: 'S' },
    sortKey: { name: 'requestId', type: 'S' },
    indexes: [
      {
        indexName: CONTACT_REQUESTS_BY_BROKER_INDEX,
        partitionKey: { name: 'brokerAuthority', type: 'S' },
        sortKey: { name: 'statusOpenedAt', type: 'S' },
        projection: { type: 'ALL' },
      },
    ],
  },
  /**
   * R8: the answers to involvement pushes sent with an Idempotency-Key, kept only as long as a retry can come
   * (IDEMPOTENCY_ATTRIBUTES, layers/adapters/dynamo/idempotency-store.ts). `id` is the route and a hash of
   * the caller and their key, never the key or the caller in clear.
   */
  idempotency: {
    id: 'idempotency',
    partitionKey: { name: IDEMPOTENCY_ATTRIBUTES.keyAttr, type: 'S' },
    indexes: [],
    timeToLive: IDEMPOTENCY_ATTRIBUTES.expiryAttr,
  },
  /** R10 per-user limits: one counter per account, kind and window; each expires once its window has passed. */
  usageCounters: {
    id: 'usageCounters',
    partitionKey: { name: 'counter', type: 'S' },
    indexes: [],
    timeToLive: 'expiresAt',
  },
  /**
   * R10 misuse detection: per user and UTC day, a summary (distinct children seen, out-of-area children,
   * rules raised) and one marker per child seen, so each child counts once. Kept two days, then TTL.
   */
  misuseCounters: {
    id: 'misuseCounters',
    partitionKey: { name: 'userDay', type: 'S' },
    sortKey: { name: 'item', type: 'S' },
    indexes: [],
    timeToLive: 'expiresAt',
  },
  /**
   * R8 review queue: feed rows awaiting a ContactPoint team's decision, one partition per council (GSS code),
   * each item under an opaque key (a keyed hash: no source reference, such as an NHS number, is a key). The
   * sparse index holds only open items, oldest first, so a team's queue is one Query.
   */
  reviews: {
    id: 'reviews',
    partitionKey: { name: 'queue', type: 'S' },
    sortKey: { name: 'reviewId', type: 'S' },
    indexes: [
      {
        indexName: OPEN_REVIEWS_INDEX,
        partitionKey: { name: 'openQueue', type: 'S' },
        sortKey: { name: 'openSince', type: 'S' },
        projection: { type: 'ALL' },
      },
      {
        // R7: the items whose candidate is a child, so the retention job removes the open ones with the record.
        indexName: REVIEWS_BY_CANDIDATE_INDEX,
        partitionKey: { name: 'candidateChildId', type: 'S' },
        projection: { type: 'KEYS_ONLY' },
      },
    ],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableId = keyof typeof TABLES;
export type TableNames = Record<TableId, string>;
