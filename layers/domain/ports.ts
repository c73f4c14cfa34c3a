import type { Account, AccountStatus } from './access/account.ts';
import type { AccountChange } from './access/account-change.ts';
import type { LimitKind, UsageWindow } from './access/limits.ts';
import type { MachineClient } from './access/machine-client.ts';
import type { Organisation } from './access/organisation.ts';
import type { Alert } from './alerts/alert.ts';
import type { AlertPreferences, ChildAlert, InboxAlert } from './alerts/child-alert.ts';
import type { MisuseAlert, MisuseAlertStatus } from './alerts/misuse-alert.ts';
import type { AuditEvent } from './audit/event.ts';
import type { MisuseDay } from './audit/misuse.ts';
import type { TrailEntry, TrailSubject } from './audit/trail.ts';
import type { ChildRecord } from './child/record.ts';
import type { ContactRequest } from './contact/request.ts';
import type { SourceRow } from './feeds/best-view.ts';
import type { FeedName } from './feeds/feed.ts';
import type { ReviewItem } from './feeds/review.ts';
import type { CaseloadStatus } from './involvement/caseload.ts';
import type { Involvement } from './involvement/schema.ts';
import type { ArchivedChild, ArchiveEntry, LiveHoldings } from './retention/archive.ts';
import type { MatchProfile } from './search/profile.ts';

/**
 * What the domain needs from storage. Implementations live in layers/adapters; every change is
 * committed together with its audit event (R6), so there is never a change without its record.
 */
export interface ChildRepository {
  get(childId: string): Promise<ChildRecord | undefined>;
  /** Profiles stored under each key, keyed by the key asked for. */
  findByKeys(keys: string[]): Promise<Map<string, MatchProfile[]>>;
  create(record: ChildRecord, audit: AuditEvent): Promise<void>;
  /** Fails with PreconditionFailedError when the stored version is not `previous.version`. */
  replace(previous: ChildRecord, next: ChildRecord, audit: AuditEvent): Promise<void>;
}

export interface InvolvementRepository {
  listForChild(childId: string): Promise<Involvement[]>;
  /**
   * The involvements one user recorded, newest recorded first, those of `status` on `today` only (as `isActive`
   * judges); at most `limit` a page, and `next` while more may follow. Never another user's: a `cursor` is
   * accepted only as a position in `recordedBy`'s own list.
   */
  listRecordedBy(
    recordedBy: string,
    query: { status: CaseloadStatus; today: string; limit: number; cursor?: string | undefined },
  ): Promise<{ involvements: Involvement[]; next?: string | undefined }>;
  get(childId: string, involvementId: string): Promise<Involvement | undefined>;
  create(involvement: Involvement, audit: AuditEvent, clearLeadOn?: Involvement[]): Promise<void>;
  /**
   * Fails with PreconditionFailedError when the stored version is not `expectedVersion`.
   * `clearLeadOn` are other involvements whose lead-professional flag is cleared in the same transaction.
   */
  update(
    next: Involvement,
    expectedVersion: number,
    audit: AuditEvent,
    clearLeadOn?: Involvement[],
  ): Promise<void>;
}

/**
 * R10 per-user limits: counts one request against every window, atomically, only if each is under its
 * limit. Returns the first window that is full (nothing counted), or undefined when admitted (counted).
 */
export interface UsageCounter {
  admit(userId: string, kind: LimitKind, windows: UsageWindow[]): Promise<UsageWindow | undefined>;
}

/** R6: fails with AuditUnavailableError, and the caller then returns no data (fail closed). */
export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}

/**
 * The audit trail read back, for the few steps that build on an earlier event (R6: it is append-only):
 * an event found by ID, and an event written only if no event with its ID exists yet.
 */
export interface AuditLog extends AuditSink {
  find(eventId: string): Promise<AuditEvent | undefined>;
  /** False when an event with this ID was already recorded (a one-use step taken twice). */
  recordOnce(event: AuditEvent): Promise<boolean>;
}

/** Time and identifiers come from outside so the domain stays pure and tests stay deterministic. */
export interface Environment {
  now(): Date;
  newChildId(): string;
  newId(prefix: string): string;
}

export interface Dependencies {
  children: ChildRepository;
  involvements: InvolvementRepository;
  audit: AuditSink;
  env: Environment;
}

/** The identity provider's administration (Cognito): the registry decides, the provider follows. */
export interface IdentityAdmin {
  /** Creates the sign-in and returns its subject; the user sets a password and MFA on first sign-in. */
  createUser(user: { email: string; organisationId: string; roles: string[] }): Promise<string>;
  /** Removes a sign-in created for an account that could not then be recorded. */
  deleteUser(userId: string): Promise<void>;
  disableUser(userId: string): Promise<void>;
  enableUser(userId: string): Promise<void>;
  /** Signs the user out everywhere: refresh tokens stop working. */
  revokeSessions(userId: string): Promise<void>;
  /** Puts the sign-in in the groups of roles the account has gained. */
  addToGroups(userId: string, roles: string[]): Promise<void>;
  /** Takes the sign-in out of the groups of roles the account no longer holds. */
  removeFromGroups(userId: string, roles: string[]): Promise<void>;
}

/** The audit trail filed by subject (a child, a user), for oversight reads (R6). */
export interface AuditTrailIndex {
  file(events: AuditEvent[]): Promise<void>;
  page(
    subject: TrailSubject,
    query: { from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ entries: TrailEntry[]; next?: string | undefined }>;
}

/** Organisations, accounts and machine clients (R4). */
export interface DirectoryRepository {
  getOrganisation(organisationId: string): Promise<Organisation | undefined>;
  putOrganisation(organisation: Organisation): Promise<void>;
  getAccount(userId: string): Promise<Account | undefined>;
  getMachineClient(clientId: string): Promise<MachineClient | undefined>;
  putMachineClient(client: MachineClient): Promise<void>;
  /** Accounts of one organisation, optionally of one status (an index query, never a scan). */
  listAccounts(organisationId: string, status?: AccountStatus): Promise<Account[]>;
  /** Active accounts whose DBS certificate was issued on or before `issuedOnOrBefore`. */
  listActiveWithDbsIssuedBy(issuedOnOrBefore: string): Promise<Account[]>;
  /** Creates an account that must not exist yet, with the change that awaits a second administrator, if any. */
  createAccount(account: Account, audit: AuditEvent, awaiting?: AccountChange): Promise<void>;
  /**
   * Fails with PreconditionFailedError when the stored version is not `expectedVersion`. `awaiting` is a
   * change waiting for a second administrator, stored in the same transaction.
   */
  replaceAccount(
    next: Account,
    expectedVersion: number,
    audit: AuditEvent,
    awaiting?: AccountChange,
  ): Promise<void>;
  /** A pending change decided by administrators of `administeredBy`; undefined once decided. */
  getAccountChange(administeredBy: string, changeId: string): Promise<AccountChange | undefined>;
  /** The pending changes the administrators of `administeredBy` may decide, oldest first. */
  listAccountChanges(administeredBy: string): Promise<AccountChange[]>;
  /**
   * Removes a pending change (approved or refused) with its audit event and, when approved, the account
   * that now holds it. Fails with PreconditionFailedError when someone decided it first or the account
   * changed since it was read.
   */
  decideAccountChange(
    change: AccountChange,
    audit: AuditEvent,
    approved?: { next: Account; expectedVersion: number },
  ): Promise<void>;
}

/** Notices to practitioners, administrators and auditors. */
export interface AlertRepository {
  put(alerts: Alert[]): Promise<void>;
}

/**
 * R9: each user's inbox of alerts (child alerts and account notices), their digest preference, and which
 * alerts a daily digest has yet to announce.
 */
export interface Inbox {
  /** Delivers each alert once: an alert whose ID is already in the inbox is left as it is (a retried batch). */
  deliver(alerts: ChildAlert[]): Promise<void>;
  /** Newest first, none past its expiry; `unreadOnly` filters the page, which may then hold fewer than `limit`. */
  list(
    recipientId: string,
    query: { limit: number; cursor?: string | undefined; unreadOnly: boolean; now: Date },
  ): Promise<{ alerts: InboxAlert[]; next?: string | undefined }>;
  /** Marks an alert read (and so not for a digest); undefined when the recipient has no such alert. */
  markRead(recipientId: string, alertId: string, at: string): Promise<InboxAlert | undefined>;
  preferencesOf(userId: string): Promise<AlertPreferences | undefined>;
  setPreferences(userId: string, preferences: AlertPreferences, at: string): Promise<void>;
  /** Alerts no digest has announced yet, by recipient, a page at a time across every inbox (an index, no scan). */
  awaitingDigest(): AsyncIterable<{ recipientId: string; alertId: string }[]>;
  /** Marks alerts as announced by a digest. */
  announced(alerts: { recipientId: string; alertId: string }[]): Promise<void>;
  /** R7: deletes every alert about a child from these inboxes (the only ones it was ever written to). */
  removeForChild(childId: string, recipientIds: readonly string[]): Promise<number>;
}

/** Sends e-mail: SES in AWS, `.eml` files locally. */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

/**
 * R10 misuse alerts, one per alert and reviewing organisation; read and reviewed by that organisation's
 * auditors only.
 */
export interface MisuseAlertRepository {
  /** Raises an alert once: a second alert with the same organisation and ID is ignored. */
  raise(alert: MisuseAlert): Promise<void>;
  get(reviewingOrganisationId: string, alertId: string): Promise<MisuseAlert | undefined>;
  /** Newest first; a page looks at `limit` alerts, so with a status filter it may hold fewer. */
  list(
    reviewingOrganisationId: string,
    query: { status?: MisuseAlertStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ alerts: MisuseAlert[]; next?: string | undefined }>;
  /** Fails with PreconditionFailedError when the stored version is not `expectedVersion`. */
  review(next: MisuseAlert, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

/**
 * R10 per-user-day counters of the children a user saw (viewed or returned by a search): each child is
 * counted once per user and UTC day, however often it is seen and however often a batch is replayed.
 */
export interface MisuseCounters {
  /** Those of `childIds` not yet counted for the user that day. */
  uncounted(userId: string, day: string, childIds: string[]): Promise<string[]>;
  /** Counts each child once (one already counted is skipped); the day's totals afterwards. */
  count(userId: string, day: string, children: { childId: string; outOfArea: boolean }[]): Promise<MisuseDay>;
  /** Records that a once-a-day rule has been raised for the user that day. */
  markAlerted(userId: string, day: string, rule: string): Promise<void>;
}

/** Brokered contact requests (R2, R3): each change commits with its audit event. */
export interface ContactRequestRepository {
  create(request: ContactRequest, audit: AuditEvent): Promise<void>;
  get(childId: string, requestId: string): Promise<ContactRequest | undefined>;
  listForChild(childId: string): Promise<ContactRequest[]>;
  /** A team's queue, newest first: an index query, never a scan. */
  listForBroker(authority: string, status: ContactRequest['status']): Promise<ContactRequest[]>;
  /** Fails with PreconditionFailedError when the stored version is not `expectedVersion`. */
  replace(next: ContactRequest, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

/** What the linker knows of one source row already (R8). */
export interface SourceState {
  /** The child the row was linked to, and whether the row then held exactly this content. */
  link?: { childId: string; unchanged: boolean } | undefined;
  /** Children a data manager decided this row does not describe: never linked to again. */
  notChildren: string[];
  /** The row awaits a data manager's decision, and whether it then held exactly this content. */
  pending?: { unchanged: boolean } | undefined;
  /** R7: the row was held by a child whose record has left (archived): it makes no record again. */
  departed?: boolean | undefined;
}

/**
 * R7: a child whose record has left, as a later feed row may meet it — by the NHS number or UPN it held (surely the
 * same child), or only by its identity (the same names and date of birth: perhaps another child). Nothing of the
 * child but its opaque ID and the queue of the team that answered for it.
 */
export interface DepartedChild {
  childId: string;
  queue: string;
  shielded: boolean;
}
export interface Departures {
  /** A child who left held one of the row's identifiers. */
  byIdentifier: boolean;
  /** A child who left had the row's identity (`identityOf`). */
  byIdentity?: DepartedChild | undefined;
}

/**
 * R8 linkage storage: source rows held per child, each row's link (keyed by a keyed hash of its source
 * reference, so no key holds an NHS number or a registration number), and the review queue. Every change to a
 * record commits with its source row, its link and its audit event, or not at all.
 */
/**
 * A new record's claim on its identity, as the linker last read it. Unowned, the record claims it, and a record
 * made meanwhile by another row with the same identity makes this creation fail as a lost race
 * (PreconditionFailedError): the row is weighed again against it. Owned (by a child weighed and found another),
 * nothing is written: a second child of a known identity is guarded only within a batch, and a claim read under
 * an older key generation during a re-keying stays where it is.
 */
export interface IdentityClaim {
  identity: string;
  owner: string | undefined;
}

export interface FeedLinkageStore {
  /** `content` is the row's canonical content: the store tells whether the linked row held the same. */
  sourceState(feed: FeedName, sourceId: string, content: string): Promise<SourceState>;
  /** The child holding an NHS number or UPN, shielded or not (identifier claims). */
  ownerOf(kind: 'nhsNumber' | 'upn', value: string): Promise<string | undefined>;
  sourcesOf(childId: string): Promise<SourceRow[]>;
  /**
   * A new record made from its first source row. Fails with DuplicateIdentifierError when another record holds
   * its NHS number or UPN, and with PreconditionFailedError when the row was linked meanwhile.
   */
  createFromSource(
    record: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
    identity?: IdentityClaim,
  ): Promise<void>;
  /** The child whose record was first made with this identity (`identityOf`), if any. */
  identityOwner(identity: string): Promise<string | undefined>;
  /**
   * The record replaced by its new best view, with the row stored and linked to it (any earlier link of the row
   * to another child removed). PreconditionFailedError on a lost race, DuplicateIdentifierError as for create.
   */
  updateFromSource(
    previous: ChildRecord,
    next: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
  ): Promise<void>;
  /** A wrong merge undone: the row taken off the child, whose record becomes `next`, and remembered as not it. */
  detachSource(previous: ChildRecord, next: ChildRecord, row: SourceRow, audit: AuditEvent): Promise<void>;
  /**
   * Remembers that the row does not describe the child (a data manager's decision), so no load links them; the
   * row no longer awaits that decision.
   */
  rememberNot(feed: FeedName, sourceId: string, childId: string): Promise<void>;
  /** The row awaits a data manager: loading it again unchanged leaves it waiting rather than decide anew. */
  markPending(feed: FeedName, sourceId: string, content: string): Promise<void>;
  /**
   * R7: whether a child whose record has left (until its archive is destroyed) held one of these identifiers, or
   * had this identity: what the retention job left behind in their place, by keyed hash.
   */
  departures(
    identifiers: { kind: 'nhsNumber' | 'upn'; value: string }[],
    identity: string | undefined,
  ): Promise<Departures>;
  /**
   * R7: a data manager said the row is the child who has left: it makes no record, now or at any later load (until
   * that child's archive is destroyed), and no longer awaits a decision.
   */
  rememberDeparted(feed: FeedName, sourceId: string, departedChildId: string): Promise<void>;
}

/**
 * R8 review queue: feed rows awaiting a data manager's decision, one queue per council (the maintaining
 * council's team, or the shielding council's for a shielded child, R3).
 */
export interface ReviewQueue {
  /** False when the item was already queued (a reload raises nothing twice). */
  queue(item: ReviewItem): Promise<boolean>;
  get(queue: string, reviewId: string): Promise<ReviewItem | undefined>;
  /** A council's open items, oldest first: a query of its queue, never a scan. */
  listOpen(
    queue: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: ReviewItem[]; next?: string | undefined }>;
  /** Records the decision with its audit event; PreconditionFailedError when it was decided meanwhile. */
  decide(item: ReviewItem, audit: AuditEvent): Promise<void>;
}

/** Which council's ContactPoint team maintains a child first known from a feed, from its postcode. */
export interface AuthorityLookup {
  forPostcode(postcode: string | undefined): { localAuthority: string; localAuthorityName: string };
}

/**
 * R7: the archive of records that have left the live directory — encrypted, and kept unchangeable until its
 * purge day (S3 Object Lock with a KMS key in AWS; AES-GCM files under .local/archive/ here).
 */
export interface ChildArchive {
  get(childId: string): Promise<ArchivedChild | undefined>;
  /** Writes the child's archive; writing it again keeps the earlier version too (Object Lock). */
  put(archived: ArchivedChild): Promise<void>;
  /** Destroys every version of the child's archive; nothing to do when there is none. */
  destroy(childId: string): Promise<void>;
}

/** R7: the live directory as the retention and purge jobs see it: by index, never by a scan. */
export interface RetentionStore {
  /** IDs of live records whose leaving day is on or before `today`, a page at a time. */
  dueToLeave(today: string): AsyncIterable<string[]>;
  /** The record and everything live that belongs to it, read consistently; undefined once gone. */
  holdings(childId: string): Promise<LiveHoldings | undefined>;
  /**
   * Deletes from the live directory everything `holdings` holds (record, search keys, identifier and identity
   * claims, feed rows and their links, "not this child" decisions about it, open review items whose candidate it
   * is, involvements, contact requests), leaves tombstones where its row links, identifiers and identity were, and
   * files the archive entry, with the audit event. PreconditionFailedError when the record or one of its items
   * changed since it was read.
   */
  removeLive(holdings: LiveHoldings, entry: ArchiveEntry, audit: AuditEvent): Promise<void>;
  archiveEntry(childId: string): Promise<ArchiveEntry | undefined>;
  /** IDs of archive entries whose purge day is on or before `today`, a page at a time. */
  dueForPurge(today: string): AsyncIterable<string[]>;
  /** Deletes the archive entry and its tombstones (the archive itself already destroyed), with the audit event. */
  forget(childId: string, audit: AuditEvent): Promise<void>;
}
