import { type Account, accessRefusals } from '../access/account.ts';
import { accountPrincipal } from '../access/account-principal.ts';
import { isPermitted } from '../access/permissions.ts';
import type { Principal } from '../access/principal.ts';
import {
  type AlertPreferences,
  type AlertQuery,
  alertIdAt,
  CHILD_ALERT_DAYS,
  type ChildAlert,
  DEFAULT_ALERT_PREFERENCES,
  type InboxAlert,
  isChildAlert,
} from '../alerts/child-alert.ts';
import { digestMail } from '../alerts/digest.ts';
import {
  type AlertContext,
  type AlertDraft,
  alertHolders,
  involvementChangeAlerts,
  involvementChangeMatters,
  recordChangeAlerts,
  recordChangeMatters,
  shieldedHolders,
} from '../alerts/raise-child-alerts.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import type { ChildRecord } from '../child/record.ts';
import { todayIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';
import type { Involvement } from '../involvement/schema.ts';
import type {
  AuditSink,
  ChildRepository,
  DirectoryRepository,
  Environment,
  Inbox,
  InvolvementRepository,
  Mailer,
} from '../ports.ts';
import { refuse } from './guard.ts';

export interface RaiseAlertDeps {
  children: Pick<ChildRepository, 'get'>;
  involvements: Pick<InvolvementRepository, 'listForChild'>;
  directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation'>;
  inbox: Pick<Inbox, 'deliver' | 'removeForChild'>;
  env: Environment;
  /** A short, stable digest of a string: an alert's ID is the same however often its event is handled. */
  fingerprint: (material: string) => string;
}

/** One change read from a table's stream: its stream event ID (unique) and when it was made. */
export interface StreamChange<T> {
  eventId: string;
  at: string;
  before?: T | undefined;
  after: T;
}

/**
 * A user's account and the principal they sign in as, if it passes every R4 check today (as a sign-in would):
 * whom an alert or a digest may reach. A suspended practitioner is reached by neither.
 */
async function admitted(
  directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation'>,
  userId: string,
  today: string,
): Promise<{ account: Account; principal: Principal } | undefined> {
  const account = await directory.getAccount(userId);
  if (!account) return undefined;
  const organisation = await directory.getOrganisation(account.organisationId);
  if (!organisation || accessRefusals(account, organisation, today).length > 0) return undefined;
  return { account, principal: accountPrincipal(account, organisation) };
}

/** The users among `userIds` who may be told anything now (`admitted`), as the principals they sign in as. */
async function recipientsAmong(
  deps: Pick<RaiseAlertDeps, 'directory'>,
  userIds: readonly string[],
  today: string,
): Promise<Map<string, Principal>> {
  const recipients = new Map<string, Principal>();
  for (const userId of userIds) {
    const user = await admitted(deps.directory, userId, today);
    // Only someone who may view a child now is told about one (a practitioner re-roled as an operator is not).
    if (user && isPermitted(user.principal, 'view-child')) recipients.set(userId, user.principal);
  }
  return recipients;
}

/** The record and its involvements as they stand now, with the users to tell; none once the record has left. */
async function contextOf(deps: RaiseAlertDeps, childId: string): Promise<AlertContext | undefined> {
  const record = await deps.children.get(childId);
  if (!record) return undefined;
  const involvements = await deps.involvements.listForChild(childId);
  const today = todayIso(deps.env.now());
  // Holders only: the recorder of an involvement that has just started is one (told of its colleagues).
  const recipients = await recipientsAmong(deps, alertHolders(involvements, today), today);
  return { record, involvements, today, recipients };
}

function stored(deps: RaiseAlertDeps, eventId: string, at: string, draft: AlertDraft): ChildAlert {
  const { key, ...alert } = draft;
  return {
    ...alert,
    alertId: alertIdAt(at, deps.fingerprint(`${eventId}#${draft.recipientId}#${key}`)),
    createdAt: at,
    expiresAt: Math.floor(Date.parse(at) / 1000) + CHILD_ALERT_DAYS * 86_400,
  };
}

/**
 * R9 from the children table's stream: each change to a record is weighed against the record and its
 * involvements as they stand when it is handled (so a record shielded since is treated as shielded), and
 * the alerts go to the holders of active involvements. Safe to run again on the same changes.
 */
export async function raiseRecordAlerts(
  deps: RaiseAlertDeps,
  changes: StreamChange<ChildRecord>[],
): Promise<number> {
  return raise(
    deps,
    changes.filter((change) => recordChangeMatters(change.before, change.after)),
    (change) => change.after.childId,
    (change, ctx) => (change.before ? recordChangeAlerts(change.before, change.after, ctx) : []),
    (change, ctx) => shieldedHolders(change.before, change.after, ctx),
  );
}

/** R9 from the involvements table's stream: "you are not alone", and a colleague's involvement ended. */
export async function raiseInvolvementAlerts(
  deps: RaiseAlertDeps,
  changes: StreamChange<Involvement>[],
): Promise<number> {
  return raise(
    deps,
    changes.filter((change) => involvementChangeMatters(change.before, change.after)),
    (change) => change.after.childId,
    (change, ctx) => involvementChangeAlerts(change.before, change.after, ctx),
  );
}

async function raise<T>(
  deps: RaiseAlertDeps,
  changes: StreamChange<T>[],
  childOf: (change: StreamChange<T>) => string,
  draftsFor: (change: StreamChange<T>, ctx: AlertContext) => AlertDraft[],
  /** Inboxes whose earlier alerts about the child must go before anything new is delivered. */
  forgetFor: (change: StreamChange<T>, ctx: AlertContext) => string[] = () => [],
): Promise<number> {
  const contexts = new Map<string, Promise<AlertContext | undefined>>();
  const alerts: ChildAlert[] = [];
  for (const change of changes) {
    const childId = childOf(change);
    if (!contexts.has(childId)) contexts.set(childId, contextOf(deps, childId));
    const ctx = await contexts.get(childId);
    if (!ctx) continue;
    const forget = forgetFor(change, ctx);
    if (forget.length > 0) await deps.inbox.removeForChild(childId, forget);
    alerts.push(...draftsFor(change, ctx).map((draft) => stored(deps, change.eventId, change.at, draft)));
  }
  await deps.inbox.deliver(alerts);
  return alerts.length;
}

export interface InboxDeps {
  inbox: Omit<Inbox, 'deliver'>;
  audit: AuditSink;
  env: Environment;
}

const DEFAULT_PAGE = 20;

/**
 * A user's own inbox, newest first. The children its alerts name are recorded in the audit event before the
 * page is returned (R6, fail closed): an alert names a child as the shielded view would.
 */
export async function listOwnAlerts(
  deps: InboxDeps,
  principal: Principal,
  query: AlertQuery,
  facts: RequestFacts,
): Promise<{ alerts: InboxAlert[]; next?: string | undefined }> {
  const page = await deps.inbox.list(principal.userId, {
    limit: query.limit ?? DEFAULT_PAGE,
    cursor: query.cursor,
    unreadOnly: query.unread === 'true',
    now: deps.env.now(),
  });
  // Alerts about children reach only someone who may view a child now (kept, unshown, if their role changed).
  const shown = isPermitted(principal, 'view-child')
    ? page.alerts
    : page.alerts.filter((a) => !isChildAlert(a));
  const childIds = [...new Set(shown.filter(isChildAlert).map((a) => a.childId))];
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, { action: 'list-own-alerts', outcome: 'success', childIds }),
  );
  return { ...page, alerts: shown };
}

/** Marks one of the user's own alerts read; another user's alert looks like none (404, audited). */
export async function markAlertRead(
  deps: InboxDeps,
  principal: Principal,
  alertId: string,
  facts: RequestFacts,
): Promise<InboxAlert> {
  const read = await deps.inbox.markRead(principal.userId, alertId, deps.env.now().toISOString());
  const hidden = read !== undefined && isChildAlert(read) && !isPermitted(principal, 'view-child');
  if (!read || hidden)
    return refuse(deps, principal, facts, 'mark-alert-read', [], new NotFoundError('Alert'));
  // The answer names the child as the alert does: recorded before it is returned (R6, fail closed).
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'mark-alert-read',
      outcome: 'success',
      childIds: isChildAlert(read) ? [read.childId] : [],
    }),
  );
  return read;
}

export async function viewAlertPreferences(deps: InboxDeps, principal: Principal): Promise<AlertPreferences> {
  return (await deps.inbox.preferencesOf(principal.userId)) ?? DEFAULT_ALERT_PREFERENCES;
}

/** A user turns the daily digest on or off for themselves; audited like any change to an account's settings. */
export async function updateAlertPreferences(
  deps: InboxDeps,
  principal: Principal,
  preferences: AlertPreferences,
  facts: RequestFacts,
): Promise<AlertPreferences> {
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      action: 'update-alert-preferences',
      outcome: 'success',
      note: `daily digest ${preferences.digest ? 'on' : 'off'}`,
    }),
  );
  await deps.inbox.setPreferences(principal.userId, preferences, deps.env.now().toISOString());
  return preferences;
}

export interface DigestDeps {
  inbox: Pick<Inbox, 'awaitingDigest' | 'announced' | 'preferencesOf'>;
  directory: Pick<DirectoryRepository, 'getAccount' | 'getOrganisation'>;
  mailer: Mailer;
  env: Pick<Environment, 'now'>;
  /** Where users read their alerts; the one link a digest carries. */
  consoleUrl: string;
  onProgress?: (summary: DigestSummary) => void;
  /** Told of each user whose digest failed (never their address). */
  onFailure?: (error: unknown) => void;
}

export interface DigestSummary {
  recipients: number;
  mailed: number;
  alerts: number;
  /** Users whose mail could not be sent; their alerts wait for the next run, and nobody else's wait. */
  failed: number;
}

/**
 * R9 daily digest: one e-mail per user with alerts no digest has announced yet — if the digest is on for
 * them and their account is active — saying how many and linking to the inbox, nothing more. The alerts
 * are then marked announced (sent before marking: a run cut short may send a user the same count twice,
 * never lose one). A suspended user's alerts are marked without a mail.
 */
export async function sendAlertDigests(deps: DigestDeps): Promise<DigestSummary> {
  const waiting = new Map<string, { recipientId: string; alertId: string }[]>();
  for await (const page of deps.inbox.awaitingDigest()) {
    for (const alert of page)
      waiting.set(alert.recipientId, [...(waiting.get(alert.recipientId) ?? []), alert]);
  }
  const summary: DigestSummary = { recipients: waiting.size, mailed: 0, alerts: 0, failed: 0 };
  const today = todayIso(deps.env.now());
  for (const [recipientId, alerts] of waiting) {
    try {
      const user = await admitted(deps.directory, recipientId, today);
      const preferences = (await deps.inbox.preferencesOf(recipientId)) ?? DEFAULT_ALERT_PREFERENCES;
      if (user && preferences.digest) {
        await deps.mailer.send(digestMail(user.account.email, alerts.length, deps.consoleUrl));
        summary.mailed++;
      }
      await deps.inbox.announced(alerts);
      summary.alerts += alerts.length;
    } catch (error) {
      // One address the mail service refuses must not stop everyone else's digest, every day.
      summary.failed++;
      deps.onFailure?.(error);
    }
    deps.onProgress?.(summary);
  }
  return summary;
}
