import type { Principal } from '../access/principal.ts';
import type { ChildRecord } from '../child/record.ts';
import { childViewFor, hiddenFromViewer } from '../disclosure/view.ts';
import type { ChildView, InvolvementView } from '../disclosure/view-schema.ts';
import { type Involvement, isActive } from '../involvement/schema.ts';
import { seesThroughShield } from '../shield/teams.ts';
import type { BrokeredReason, ChildAlertKind, Colleague, RecordChange } from './child-alert.ts';

/**
 * R9 as pure rules. Every alert is written from its recipient's own view of the record as it stands now
 * (childViewFor: R2 and R3 applied), so it can never say more than that view would: a colleague's details
 * only when the view lists their involvement, and nothing about a shielded child but that it is shielded.
 * Values never travel — a changed address is reported as "the address changed"; the record itself is
 * read through the audited view (R5, R6).
 */

/** An alert before it is given an ID and a time: `key` makes it unique within its event. */
export interface AlertDraft {
  recipientId: string;
  key: string;
  kind: ChildAlertKind;
  childId: string;
  childName: string;
  changes?: RecordChange[];
  colleague?: Colleague;
  brokered?: BrokeredReason;
  message: string;
}

/** The record and its involvements as they stand now, and whom they may be told to. */
export interface AlertContext {
  record: ChildRecord;
  involvements: Involvement[];
  /** Accounts that may be told (registered users passing R4 now), by user ID. */
  recipients: ReadonlyMap<string, Principal>;
  /** Today's date (YYYY-MM-DD): an involvement ended on or before it is no longer active. */
  today: string;
}

/**
 * Who is told about a child: the users who recorded an involvement that is still active. Involvements
 * pushed by a case management system have no account to tell; their practitioners are told through it.
 */
export function alertHolders(involvements: readonly Involvement[], today: string): string[] {
  return [
    ...new Set(
      involvements
        .filter((i) => isActive(i, today) && !i.recordedBy.startsWith('client:'))
        .map((i) => i.recordedBy),
    ),
  ];
}

const nameOf = (view: ChildView) => `${view.givenName} ${view.familyName}`;

function colleagueFrom(view: InvolvementView): Colleague {
  return {
    involvementId: view.involvementId,
    practitionerName: view.practitionerName,
    role: view.role,
    organisationName: view.organisationName,
    serviceType: view.serviceType,
    contact: view.contact,
    ...(view.endDate !== undefined && { endDate: view.endDate }),
  };
}

const CHANGE_WORDS: Record<RecordChange, string> = {
  address: 'address',
  school: 'school',
  'gp-practice': 'GP practice',
};

function changedParts(before: ChildRecord, after: ChildRecord): RecordChange[] {
  const differs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  const parts: RecordChange[] = [];
  if (differs(before.address, after.address)) parts.push('address');
  if (differs(before.education, after.education)) parts.push('school');
  if (differs(before.gpPractice, after.gpPractice)) parts.push('gp-practice');
  return parts;
}

function listed(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The change put a shield on the record. */
function justShielded(before: ChildRecord, after: ChildRecord): boolean {
  return before.shield === undefined && after.shield !== undefined;
}

/** The change recorded the involvement's end. */
function endRecorded(before: Involvement | undefined, after: Involvement): boolean {
  return before !== undefined && before.endDate === undefined && after.endDate !== undefined;
}

/** Whether a change to a record item is one R9 tells of at all (so nothing else is read for the rest). */
export function recordChangeMatters(before: ChildRecord | undefined, after: ChildRecord): boolean {
  return (
    before !== undefined &&
    ((before.shield === undefined) !== (after.shield === undefined) || changedParts(before, after).length > 0)
  );
}

/** Whether a change to an involvement is one R9 tells of at all: it started, or its end was recorded. */
export function involvementChangeMatters(before: Involvement | undefined, after: Involvement): boolean {
  return before === undefined || endRecorded(before, after);
}

interface Holder {
  recipientId: string;
  principal: Principal;
  /** The view the record gives them now. */
  view: ChildView;
  /** Their own active involvements with the child. */
  own: Involvement[];
}

/** Each holder with the view the record gives them now, and their own active involvements. */
function holders(ctx: AlertContext, except?: string): Holder[] {
  return alertHolders(ctx.involvements, ctx.today).flatMap((recipientId) => {
    const principal = ctx.recipients.get(recipientId);
    if (!principal || recipientId === except) return [];
    const view = childViewFor(ctx.record, ctx.involvements, principal);
    const own = ctx.involvements.filter((i) => i.recordedBy === recipientId && isActive(i, ctx.today));
    return [{ recipientId, principal, view, own }];
  });
}

/**
 * When a record has just been shielded: the holders it is now shielded to, whose earlier alerts about the child
 * (a colleague's contact, an organisation) must go — their inbox may say no more than their view now does (R3).
 */
export function shieldedHolders(
  before: ChildRecord | undefined,
  after: ChildRecord,
  ctx: AlertContext,
): string[] {
  if (before === undefined || !justShielded(before, after)) return [];
  return holders(ctx)
    .filter((h) => h.view.disclosure === 'shielded')
    .map((h) => h.recipientId);
}

/**
 * Which of two involvements came first (by when it was recorded, then by ID): of two practitioners who meet,
 * the later one's registration tells both, once — however the stream batches or lags the two registrations.
 */
function cameFirst(a: Involvement, b: Involvement): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.involvementId < b.involvementId);
}

/**
 * A change to the record item: shielded or unshielded (said on its own, nothing else), or the address,
 * school or GP practice changed — told only to holders whose view of the record as it stands now is not
 * the shielded one.
 */
export function recordChangeAlerts(before: ChildRecord, after: ChildRecord, ctx: AlertContext): AlertDraft[] {
  const shielded = justShielded(before, after);
  const unshielded =
    before.shield !== undefined && after.shield === undefined && ctx.record.shield === undefined;
  const parts = changedParts(before, after);
  // A change made while the record was shielded stays unsaid to anyone the shield hid it from, even once the
  // shield is lifted (a lagging stream would otherwise date a move made in hiding).
  const madeWhileShielded = before.shield !== undefined || after.shield !== undefined;
  return holders(ctx).flatMap(({ recipientId, principal, view }): AlertDraft[] => {
    const child = { recipientId, childId: view.childId, childName: nameOf(view) };
    if (shielded)
      return [
        {
          ...child,
          key: 'shielded',
          kind: 'record-shielded',
          brokered: 'shielded',
          message: `The record of ${child.childName} is now shielded: its details are no longer shown. To reach the people working with this child, send a contact request.`,
        },
      ];
    if (unshielded)
      return [
        {
          ...child,
          key: 'unshielded',
          kind: 'record-unshielded',
          message: `The record of ${child.childName} is no longer shielded.`,
        },
      ];
    if (parts.length === 0 || view.disclosure === 'shielded') return [];
    if (
      madeWhileShielded &&
      !seesThroughShield({ ...after, shield: after.shield ?? before.shield }, principal)
    )
      return [];
    return [
      {
        ...child,
        key: 'changed',
        kind: 'record-changed',
        changes: parts,
        message: `The ${listed(parts.map((p) => CHANGE_WORDS[p]))} recorded for ${child.childName} changed. Open the record to see it.`,
      },
    ];
  });
}

function notAlone(recipientId: string, view: ChildView, colleague: InvolvementView): AlertDraft {
  const childName = nameOf(view);
  return {
    recipientId,
    key: `colleague#${colleague.involvementId}`,
    kind: 'not-alone',
    childId: view.childId,
    childName,
    colleague: colleagueFrom(colleague),
    message: `You are not alone: ${colleague.practitionerName} (${colleague.role}, ${colleague.organisationName}) is also working with ${childName}.`,
  };
}

function notAloneBrokered(recipientId: string, view: ChildView, reason: BrokeredReason): AlertDraft {
  const childName = nameOf(view);
  return {
    recipientId,
    key: `brokered#${reason}`,
    kind: 'not-alone',
    childId: view.childId,
    childName,
    brokered: reason,
    message:
      reason === 'shielded'
        ? `You are not alone: someone else is also working with ${childName}. The record is shielded: to reach them, send a contact request.`
        : `Specialist services have been recorded for ${childName}. To reach them, send a contact request about specialist-services.`,
  };
}

/**
 * A change to an involvement. Started: each other holder is told of the newcomer (directly when their view
 * lists the newcomer's involvement; through a contact request when the record is shielded to them; not at
 * all when R2 hides it, since an alert would date a sensitive service), and the newcomer is told of every
 * active colleague the same way. Ended: each other holder who could see it is told; the one who ended it is
 * told nothing more.
 */
export function involvementChangeAlerts(
  before: Involvement | undefined,
  after: Involvement,
  ctx: AlertContext,
): AlertDraft[] {
  const started = before === undefined && isActive(after, ctx.today);
  const ended = endRecorded(before, after);
  const others = holders(ctx, after.recordedBy);
  if (ended) {
    return others.flatMap(({ recipientId, view }): AlertDraft[] => {
      if (view.disclosure === 'shielded') return [];
      const seen = view.involvements.find((i) => i.involvementId === after.involvementId);
      if (!seen) return [];
      const childName = nameOf(view);
      return [
        {
          recipientId,
          key: `ended#${seen.involvementId}`,
          kind: 'involvement-ended',
          childId: view.childId,
          childName,
          colleague: colleagueFrom(seen),
          message: `${seen.practitionerName} (${seen.role}, ${seen.organisationName}) has ended their involvement with ${childName}.`,
        },
      ];
    });
  }
  if (!started) return [];
  // Holders already there are told of the newcomer; a holder whose own involvement is newer is told by the
  // registration of their own, as its newcomer.
  const told: AlertDraft[] = others.flatMap(({ recipientId, principal, view, own }): AlertDraft[] => {
    if (!own.some((i) => cameFirst(i, after))) return [];
    // R2 before anything else: a sensitive service elsewhere is never announced, shielded record or not.
    if (hiddenFromViewer(after, principal)) return [];
    if (view.disclosure === 'shielded') return [notAloneBrokered(recipientId, view, 'shielded')];
    const seen = view.involvements.find((i) => i.involvementId === after.involvementId);
    return seen ? [notAlone(recipientId, view, seen)] : [];
  });
  const newcomer = ctx.recipients.get(after.recordedBy);
  if (!newcomer) return told;
  const colleagues = ctx.involvements.filter(
    (i) => isActive(i, ctx.today) && i.recordedBy !== after.recordedBy && cameFirst(i, after),
  );
  const view = childViewFor(ctx.record, ctx.involvements, newcomer);
  if (view.disclosure === 'shielded') {
    // Only of colleagues the newcomer could know of were it not shielded (never a sensitive service elsewhere).
    return colleagues.some((c) => !hiddenFromViewer(c, newcomer))
      ? [...told, notAloneBrokered(after.recordedBy, view, 'shielded')]
      : told;
  }
  const visible = colleagues.flatMap((c) =>
    view.involvements.filter((i) => i.involvementId === c.involvementId),
  );
  // As the view says it — specialist services recorded, ended or not, whenever R2 hides one, never how many or
  // since when — once, at the newcomer's first registration with the child.
  return [
    ...told,
    ...visible.map((seen) => notAlone(after.recordedBy, view, seen)),
    ...(view.disclosure === 'sensitive-redacted' && isFirstMeeting(ctx, after, newcomer)
      ? [notAloneBrokered(after.recordedBy, view, 'specialist-services')]
      : []),
  ];
}

/**
 * Whether the newcomer is told of the specialist services now: once, at their first registration with the child
 * (a second involvement of theirs says nothing new).
 */
function isFirstMeeting(ctx: AlertContext, after: Involvement, newcomer: Principal): boolean {
  return !ctx.involvements.some(
    (i) => i.recordedBy === newcomer.userId && i.involvementId !== after.involvementId && cameFirst(i, after),
  );
}
