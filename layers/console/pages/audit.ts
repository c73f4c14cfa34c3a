import {
  MISUSE_ALERT_STATUSES,
  MISUSE_REVIEW_OUTCOMES,
  MisuseAlertIdSchema,
  type MisuseAlertStatus,
  type MisuseAlertView,
} from '#domain/alerts/misuse-alert.ts';
import type { TrailEntry } from '#domain/audit/trail.ts';
import { PageNotFoundError } from '../error-pages.ts';
import { apiFieldErrors, dateField, type FieldError, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import type { PageContext, PageRoute } from '../page.ts';
import { newNonce, pageHeaders } from '../security-headers.ts';
import { ROLE_NAMES } from './users.ts';

/** IDs as a console path may carry them (ContactPoint IDs, user IDs); anything else is not looked up. */
const SUBJECT_ID = /^[A-Za-z0-9_-]{1,120}$/;

const STATUS_TAGS: Record<MisuseAlertStatus, { text: string; classes: string }> = {
  open: { text: 'Open', classes: 'govuk-tag--red' },
  investigating: { text: 'Investigating', classes: 'govuk-tag--yellow' },
  'no-case': { text: 'No case', classes: 'govuk-tag--grey' },
  referred: { text: 'Referred', classes: 'govuk-tag--purple' },
};

const RULE_NAMES: Record<string, string> = {
  'many-children': 'Many different children in a day',
  'out-of-area': 'Children far outside their area',
  'personal-connection': 'A child with their own surname or address',
  'shielded-view': 'A shielded record',
  'child-protection-override': 'A child protection override (break-glass) view',
  'shielded-duplicate': 'A second record of a shielded child',
};

/**
 * A misuse alert's ID holds dots, which a console path parameter may not (they could make `.` or `..`
 * segments), so its page is addressed by the ID in base64url.
 */
export const alertRef = (alertId: string) => Buffer.from(alertId, 'utf8').toString('base64url');
/** The alert ID a link's reference stands for, checked as the API checks it (and never `.` or `..`). */
function alertIdOf(ref: string): string {
  const id = Buffer.from(ref, 'base64url').toString('utf8');
  if (!MisuseAlertIdSchema.safeParse(id).success || /^\.+$/.test(id))
    throw new PageNotFoundError('misuse alert');
  return id;
}

type Kind = 'children' | 'users';

const TRAIL_LABELS = { from: 'The from date', to: 'The to date' };

function trailFilter(query: URLSearchParams) {
  const errors: FieldError[] = [];
  const from = dateField(query, 'from', 'The from date');
  const to = dateField(query, 'to', 'The to date');
  if (from.error) errors.push(from.error);
  if (to.error) errors.push(to.error);
  return { errors, from: from.value, to: to.value };
}

function dateItems(query: URLSearchParams, name: string) {
  return ['day', 'month', 'year'].map((part) => ({
    name: part,
    label: part.charAt(0).toUpperCase() + part.slice(1),
    classes: part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
    value: query.get(`${name}-${part}`) ?? '',
  }));
}

function describeEntry(entry: TrailEntry, kind: Kind) {
  // A child's history says what this child's record showed; a user's names each child, linked to its history.
  const children =
    kind === 'users'
      ? entry.childIds.map((id) => ({
          id,
          href: SUBJECT_ID.test(id) ? `/audit/children/${encodeURIComponent(id)}` : undefined,
          level: entry.disclosures?.[id],
        }))
      : [];
  const criteria = entry.criteria
    ? Object.entries(entry.criteria)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')
    : undefined;
  return {
    ...entry,
    actorHref: SUBJECT_ID.test(entry.actorId)
      ? `/audit/users/${encodeURIComponent(entry.actorId)}`
      : undefined,
    roleNames: entry.actorRoles.map((r) => ROLE_NAMES[r] ?? r).join(', '),
    actionText: `${entry.action.replaceAll('-', ' ')} (${entry.outcome.replaceAll('-', ' ')})`,
    shown: entry.disclosure,
    children,
    criteria,
    refusal: entry.refusalReasons?.join(', '),
  };
}

async function trailPage(ctx: PageContext, kind: Kind) {
  const id = (kind === 'children' ? ctx.params.childId : ctx.params.userId) as string;
  const query = ctx.request.query;
  const base = `/audit/${kind}/${encodeURIComponent(id)}`;
  const { errors, from, to } = trailFilter(query);
  const context = {
    title: kind === 'children' ? `Access history of child ${id}` : `Activity of user ${id}`,
    kind,
    subjectId: id,
    base,
    backLink: '/audit',
    fromItems: dateItems(query, 'from'),
    toItems: dateItems(query, 'to'),
  };
  if (errors.length) return ctx.render('audit-trail.njk', { ...context, errors }, 400);
  const cursor = query.get('cursor') ?? undefined;
  let page: { entries: TrailEntry[]; next?: string };
  try {
    page = (await ctx.api.get<typeof page>(base, { from, to, cursor })).body;
  } catch (error) {
    const fieldErrors = apiFieldErrors(error, TRAIL_LABELS, ['from', 'to']);
    if (fieldErrors) return ctx.render('audit-trail.njk', { ...context, errors: fieldErrors }, 400);
    throw error;
  }
  // The filter as the form showed it, for the next page and the export.
  const kept = new URLSearchParams(
    [...query.entries()].filter(([k]) => /^(from|to)-(day|month|year)$/.test(k) && query.get(k)),
  );
  const exportQuery = new URLSearchParams(kept);
  if (cursor) exportQuery.set('cursor', cursor);
  return ctx.render('audit-trail.njk', {
    ...context,
    entries: page.entries.map((e) => describeEntry(e, kind)),
    filtered: Boolean(from || to),
    next: page.next && `${base}?${new URLSearchParams([...kept, ['cursor', page.next]])}`,
    exportHref: `${base}/export${exportQuery.size ? `?${exportQuery}` : ''}`,
  });
}

/** The same page of the history as CSV, straight from the API (which writes and audits the export). */
async function trailExport(ctx: PageContext, kind: Kind) {
  const id = (kind === 'children' ? ctx.params.childId : ctx.params.userId) as string;
  const { errors, from, to } = trailFilter(ctx.request.query);
  if (errors.length) throw new PageNotFoundError('export filter');
  const cursor = ctx.request.query.get('cursor') ?? undefined;
  const answer = await ctx.api.call<string>('GET', `/audit/${kind}/${encodeURIComponent(id)}`, {
    query: { from, to, cursor, format: 'csv' },
    accept: 'text/csv',
  });
  return {
    status: 200,
    headers: {
      ...pageHeaders(newNonce()),
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${kind === 'children' ? 'child' : 'user'}-access-history.csv"`,
    },
    cookies: [],
    body: String(answer.body),
  };
}

/** One alert, found in the organisation's list (the API reads alerts only as a list). */
/**
 * One misuse alert. The API lists them a page at a time and each read is audited, so only the page the alert was
 * listed on (its cursor and status filter travel in the link and the review form) is read again.
 */
async function findAlert(ctx: PageContext, alertId: string): Promise<MisuseAlertView> {
  const listed = (name: string) => ctx.request.query.get(name) ?? ctx.request.form.get(name) ?? undefined;
  const status = MISUSE_ALERT_STATUSES.find((s) => s === listed('status'));
  const { body } = await ctx.api.get<{ alerts: MisuseAlertView[]; next?: string }>('/audit/alerts', {
    status,
    limit: String(ALERTS_PAGE),
    cursor: listed('from'),
  });
  const found = body.alerts.find((a) => a.alertId === alertId);
  if (found) return found;
  throw new PageNotFoundError('misuse alert');
}

/** Alerts a page of the list shows; an alert's page is read again with the same size. */
const ALERTS_PAGE = 20;

function describeAlert(alert: MisuseAlertView) {
  return {
    ...alert,
    ref: alertRef(alert.alertId),
    tag: STATUS_TAGS[alert.status],
    ruleName: RULE_NAMES[alert.rule] ?? alert.rule.replaceAll('-', ' '),
    reviews: (alert.reviews ?? []).map((r) => ({ ...r, tag: STATUS_TAGS[r.outcome] })),
  };
}

async function alertPage(ctx: PageContext, extra: Record<string, unknown> = {}, status = 200) {
  const alert = await findAlert(ctx, alertIdOf(ctx.params.alertRef as string));
  const form = ctx.request.form;
  return ctx.render(
    'audit-alert.njk',
    {
      title: 'Misuse alert',
      backLink: '/audit/alerts',
      listedFrom: ctx.request.query.get('from') ?? form.get('from') ?? undefined,
      listedStatus: ctx.request.query.get('status') ?? form.get('status') ?? undefined,
      alert: describeAlert(alert),
      outcomes: MISUSE_REVIEW_OUTCOMES.map((value) => ({
        value,
        text: STATUS_TAGS[value].text,
        checked: form.get('outcome') === value,
        hint: {
          text:
            value === 'investigating'
              ? 'You are looking into it'
              : value === 'no-case'
                ? 'The activity was justified; the alert is closed'
                : 'Referred for disciplinary or legal action',
        },
      })),
      note: form.get('note') ?? '',
      banner: ctx.request.query.get('done') === 'reviewed' ? 'Your review has been recorded' : undefined,
      ...extra,
    },
    status,
  );
}

/** R6 oversight and R10 misuse alerts for auditors; what each auditor may read is the API's to decide. */
export const auditPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/audit',
    handler: async (ctx) => {
      const asked = ctx.request.query.get('look');
      const childId = textField(ctx.request.query, 'childId');
      const userId = textField(ctx.request.query, 'userId');
      if (asked === 'child' && childId && SUBJECT_ID.test(childId))
        return redirect(`/audit/children/${encodeURIComponent(childId.toUpperCase())}`);
      if (asked === 'user' && userId && SUBJECT_ID.test(userId))
        return redirect(`/audit/users/${encodeURIComponent(userId)}`);
      const errors: FieldError[] = [];
      if (asked === 'child')
        errors.push({
          field: 'childId',
          message: childId ? 'Enter a ContactPoint ID like CP7M3K9P2XN' : 'Enter a ContactPoint ID',
        });
      if (asked === 'user')
        errors.push({
          field: 'userId',
          message: userId ? 'Enter a user ID as shown in a history or alert' : 'Enter a user ID',
        });
      return ctx.render('audit.njk', { title: 'Audit', errors, childId, userId }, errors.length ? 400 : 200);
    },
  },
  { method: 'GET', path: '/audit/children/{childId}', handler: (ctx) => trailPage(ctx, 'children') },
  { method: 'GET', path: '/audit/users/{userId}', handler: (ctx) => trailPage(ctx, 'users') },
  { method: 'GET', path: '/audit/children/{childId}/export', handler: (ctx) => trailExport(ctx, 'children') },
  { method: 'GET', path: '/audit/users/{userId}/export', handler: (ctx) => trailExport(ctx, 'users') },
  {
    method: 'GET',
    path: '/audit/alerts',
    handler: async (ctx) => {
      const asked = ctx.request.query.get('status');
      const status = MISUSE_ALERT_STATUSES.find((s) => s === asked);
      const cursor = ctx.request.query.get('cursor') ?? undefined;
      const { body } = await ctx.api.get<{ alerts: MisuseAlertView[]; next?: string }>('/audit/alerts', {
        status,
        limit: String(ALERTS_PAGE),
        cursor,
      });
      return ctx.render('audit-alerts.njk', {
        title: 'Misuse alerts',
        backLink: '/audit',
        status,
        statusItems: [
          { value: '', text: 'Any status' },
          ...MISUSE_ALERT_STATUSES.map((s) => ({
            value: s,
            text: STATUS_TAGS[s].text,
            selected: s === status,
          })),
        ],
        alerts: body.alerts.map(describeAlert),
        // Each alert's link says which page listed it, so its page reads only that one again.
        listedOn: new URLSearchParams({
          ...(status && { status }),
          ...(cursor && { from: cursor }),
        }).toString(),
        next:
          body.next &&
          `/audit/alerts?${new URLSearchParams({ ...(status && { status }), cursor: body.next })}`,
      });
    },
  },
  { method: 'GET', path: '/audit/alerts/{alertRef}', handler: (ctx) => alertPage(ctx) },
  {
    method: 'POST',
    path: '/audit/alerts/{alertRef}',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const outcome = form.get('outcome');
      if (!outcome || !(MISUSE_REVIEW_OUTCOMES as readonly string[]).includes(outcome))
        return alertPage(
          ctx,
          { errors: [{ field: 'outcome', message: 'Select the outcome of your review' }] },
          400,
        );
      const alertId = alertIdOf(ctx.params.alertRef as string);
      const note = textField(form, 'note');
      try {
        // The version the auditor read: a review recorded since answers 412, never a lost review.
        await ctx.api.call('PATCH', `/audit/alerts/${encodeURIComponent(alertId)}`, {
          body: { outcome, ...(note && { note }) },
          ifMatch: form.get('etag') ?? '',
        });
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, { outcome: 'Outcome', note: 'Note' });
        if (fieldErrors) return alertPage(ctx, { errors: fieldErrors }, 400);
        throw error;
      }
      return redirect(`/audit/alerts/${ctx.params.alertRef}?done=reviewed`);
    },
  },
];
