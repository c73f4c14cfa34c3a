import type { AccountView } from '#domain/access/account.ts';
import { ACCOUNT_STATUSES, type AccountStatus } from '#domain/access/account.ts';
import type { AccountChange } from '#domain/access/account-change.ts';
import { RIGHTS, ROLES } from '#domain/access/principal.ts';
import { ApiProblemError } from '../api-client.ts';
import { PageNotFoundError } from '../error-pages.ts';
import { apiFieldErrors, dateField, dateParts, type FieldError, partsOfDate, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import { bannerOf, type PageContext, type PageRoute } from '../page.ts';

/** An organisation ID as the API spells them; anything else is not passed on. */
const ORGANISATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const GRANT_LABELS = {
  email: 'Email address',
  roles: 'Roles',
  rights: 'Rights',
  organisationId: 'Organisation ID',
  authorisedBy: 'Authorised by',
  dbsCertificateDate: 'Date of the enhanced DBS certificate',
  trainingCompletedOn: 'Date ContactPoint training was completed',
  agreementSignedOn: 'Date the end-user agreement was signed',
  mfaEnrolled: 'Multi-factor authentication',
};
const VETTING_DATES = ['dbsCertificateDate', 'trainingCompletedOn', 'agreementSignedOn'] as const;

export const ROLE_NAMES: Record<string, string> = {
  practitioner: 'Practitioner',
  'data-manager': 'Data manager',
  'user-admin': 'User administrator',
  auditor: 'Auditor',
  operator: 'Operator',
};
export const RIGHT_NAMES: Record<string, string> = {
  'child-protection-override': 'Child protection override',
};
/** Roles and rights a second administrator must approve (two-person rule, R4). */
const NEEDS_APPROVAL = new Set(['data-manager', 'auditor', 'user-admin', 'child-protection-override']);

const STATUS_TAGS: Record<AccountStatus, { text: string; classes: string }> = {
  active: { text: 'Active', classes: 'govuk-tag--green' },
  pending: { text: 'Pending', classes: 'govuk-tag--yellow' },
  suspended: { text: 'Suspended', classes: 'govuk-tag--red' },
  terminated: { text: 'Terminated', classes: 'govuk-tag--grey' },
};

function organisationFrom(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && ORGANISATION_ID.test(trimmed) ? trimmed : undefined;
}

const userPath = (userId: string, organisationId?: string) =>
  `/users/${encodeURIComponent(userId)}${organisationId ? `?${new URLSearchParams({ organisationId })}` : ''}`;

/** The account, found in its organisation's list (the API has no single-account read for administrators). */
async function findAccount(ctx: PageContext, userId: string, organisationId: string | undefined) {
  const { body } = await ctx.api.get<{ accounts: AccountView[] }>('/users', { organisationId });
  const account = body.accounts.find((a) => a.userId === userId);
  if (!account) throw new PageNotFoundError('account');
  return account;
}

function describe(account: AccountView) {
  return {
    ...account,
    tag: STATUS_TAGS[account.status],
    roleNames: account.roles.map((r) => ROLE_NAMES[r] ?? r),
    rightNames: account.rights.map((r) => RIGHT_NAMES[r] ?? r),
  };
}

function changeDescription(change: AccountChange) {
  return [
    ...change.addRoles.map((r) => ROLE_NAMES[r] ?? r),
    ...change.addRights.map((r) => RIGHT_NAMES[r] ?? r),
  ];
}

const ACCOUNT_BANNERS: Record<string, string> = {
  suspended: 'The account has been suspended. The user cannot use ContactPoint from their next page.',
  reinstated: 'The account has been reinstated.',
  vetting: 'The vetting dates have been updated.',
};

async function accountPage(ctx: PageContext, extra: Record<string, unknown> = {}, status = 200) {
  const userId = ctx.params.userId as string;
  const organisationId = organisationFrom(
    ctx.request.method === 'POST'
      ? ctx.request.form.get('organisationId')
      : ctx.request.query.get('organisationId'),
  );
  const account = await findAccount(ctx, userId, organisationId);
  const done = ctx.request.query.get('done');
  return ctx.render(
    'user.njk',
    {
      title: account.email,
      backLink: `/users${organisationId ? `?${new URLSearchParams({ organisationId })}` : ''}`,
      account: describe(account),
      organisationId,
      awaiting: account.awaitingApproval && changeDescription(account.awaitingApproval),
      banner: bannerOf(ACCOUNT_BANNERS, done),
      vetting: Object.fromEntries(
        VETTING_DATES.map((d) => [
          d,
          ctx.request.method === 'POST' ? dateParts(ctx.request.form, d) : partsOfDate(account[d]),
        ]),
      ),
      ...extra,
    },
    status,
  );
}

function grantPage(
  ctx: PageContext,
  form: URLSearchParams,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const roles = form.getAll('roles');
  const rights = form.getAll('rights');
  return ctx.render(
    'user-new.njk',
    {
      title: 'Grant an account',
      backLink: '/users',
      values: Object.fromEntries(form.entries()),
      roleItems: ROLES.map((value) => ({
        value,
        text: ROLE_NAMES[value],
        checked: roles.includes(value),
        hint: NEEDS_APPROVAL.has(value)
          ? { text: 'Needs a second user administrator to approve it' }
          : undefined,
      })),
      rightItems: RIGHTS.map((value) => ({
        value,
        text: RIGHT_NAMES[value],
        checked: rights.includes(value),
        hint: {
          text: 'Lets the holder break a shield for one audited view. Needs a second user administrator to approve it',
        },
      })),
      dates: Object.fromEntries(VETTING_DATES.map((d) => [d, dateParts(form, d)])),
      ...extra,
    },
    status,
  );
}

/** R4 account administration: every rule (prerequisites, two-person rule, separation of duties) is the API's. */
export const userPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/users',
    handler: async (ctx) => {
      const organisationId = organisationFrom(ctx.request.query.get('organisationId'));
      const statusAsked = ctx.request.query.get('status');
      const status = ACCOUNT_STATUSES.find((s) => s === statusAsked);
      const me = (await ctx.api.get<AccountView>('/me')).body;
      const { body } = await ctx.api.get<{ accounts: AccountView[] }>('/users', { organisationId, status });
      const shown = organisationId ?? me.organisationId;
      return ctx.render('users.njk', {
        title: 'Users',
        organisationId: shown,
        ownOrganisation: me.organisationId,
        status,
        statusItems: [
          { value: '', text: 'Any status' },
          ...ACCOUNT_STATUSES.map((s) => ({ value: s, text: STATUS_TAGS[s].text, selected: s === status })),
        ],
        accounts: body.accounts
          .map(describe)
          .map((a) => ({ ...a, href: userPath(a.userId, organisationId) }))
          .sort((a, b) => a.email.localeCompare(b.email)),
      });
    },
  },
  { method: 'GET', path: '/users/new', handler: async (ctx) => grantPage(ctx, new URLSearchParams()) },
  {
    method: 'POST',
    path: '/users/new',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const errors: FieldError[] = [];
      const dates: Record<string, string> = {};
      for (const [name, label] of VETTING_DATES.map((d) => [d, GRANT_LABELS[d]] as const)) {
        const parsed = dateField(form, name, label);
        if (parsed.error) errors.push(parsed.error);
        else if (parsed.value) dates[name] = parsed.value;
      }
      if (errors.length) return grantPage(ctx, form, { errors }, 400);
      const organisationId = textField(form, 'organisationId');
      const rights = form.getAll('rights');
      let granted: AccountView;
      try {
        granted = (
          await ctx.api.call<AccountView>('POST', '/users', {
            body: {
              email: textField(form, 'email') ?? '',
              roles: form.getAll('roles'),
              ...(rights.length && { rights }),
              ...(organisationId && { organisationId }),
              authorisedBy: textField(form, 'authorisedBy') ?? '',
              dbsCertificateDate: dates.dbsCertificateDate ?? '',
              trainingCompletedOn: dates.trainingCompletedOn ?? '',
              agreementSignedOn: dates.agreementSignedOn ?? '',
              mfaEnrolled: form.get('mfaEnrolled') === 'yes',
            },
          })
        ).body;
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, GRANT_LABELS, VETTING_DATES);
        if (fieldErrors && error instanceof ApiProblemError && error.status === 409) {
          // A refusal of the whole request: roles that may not be held together, or an address already in use.
          const field = error.problem.type?.endsWith('separation-of-duties') ? 'roles' : 'email';
          const message = (fieldErrors[0]?.message ?? '').replace(/\s*\(R\d+\)/g, '');
          return grantPage(ctx, form, { errors: [{ field, message, anchor: field }] }, 400);
        }
        if (fieldErrors) {
          // Checkbox groups and a yes/no question link to their first option.
          const anchored = fieldErrors.map((e) =>
            ['roles', 'rights', 'mfaEnrolled'].includes(e.field) ? { ...e, anchor: e.field } : e,
          );
          return grantPage(ctx, form, { errors: anchored }, 400);
        }
        throw error;
      }
      return ctx.render(
        'user-granted.njk',
        {
          title: granted.awaitingApproval ? 'Account granted – waiting for approval' : 'Account granted',
          account: describe(granted),
          awaiting: granted.awaitingApproval && changeDescription(granted.awaitingApproval),
          href: userPath(granted.userId, granted.organisationId),
        },
        201,
      );
    },
  },
  { method: 'GET', path: '/users/{userId}', handler: (ctx) => accountPage(ctx) },
  {
    method: 'POST',
    path: '/users/{userId}/status',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const change = form.get('change');
      if (change !== 'suspended' && change !== 'active') throw new PageNotFoundError('status change');
      const userId = ctx.params.userId as string;
      const organisationId = organisationFrom(form.get('organisationId'));
      // The version the administrator saw: a change made since answers 412, never a lost update.
      await ctx.api.call('PATCH', `/users/${encodeURIComponent(userId)}`, {
        body: { status: change },
        ifMatch: form.get('etag') ?? '',
      });
      const query = new URLSearchParams({
        ...(organisationId && { organisationId }),
        done: change === 'suspended' ? 'suspended' : 'reinstated',
      });
      return redirect(`/users/${encodeURIComponent(userId)}?${query}`);
    },
  },
  {
    method: 'POST',
    path: '/users/{userId}/vetting',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const userId = ctx.params.userId as string;
      const organisationId = organisationFrom(form.get('organisationId'));
      const errors: FieldError[] = [];
      const body: Record<string, string> = {};
      for (const name of VETTING_DATES) {
        const parsed = dateField(form, name, GRANT_LABELS[name]);
        if (parsed.error) errors.push(parsed.error);
        else if (parsed.value) body[name] = parsed.value;
      }
      if (errors.length) return accountPage(ctx, { errors }, 400);
      try {
        await ctx.api.call('PATCH', `/users/${encodeURIComponent(userId)}`, {
          body,
          ifMatch: form.get('etag') ?? '',
        });
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, GRANT_LABELS, VETTING_DATES);
        if (fieldErrors && error instanceof ApiProblemError && error.status === 400)
          return accountPage(
            ctx,
            {
              // The dates are the only fields of this form: anything else the API names goes on the first.
              errors: fieldErrors.map((e) =>
                (VETTING_DATES as readonly string[]).includes(e.field)
                  ? e
                  : { field: 'dbsCertificateDate', anchor: 'dbsCertificateDate-day', message: e.message },
              ),
            },
            400,
          );
        throw error;
      }
      const query = new URLSearchParams({ ...(organisationId && { organisationId }), done: 'vetting' });
      return redirect(`/users/${encodeURIComponent(userId)}?${query}`);
    },
  },
  {
    method: 'GET',
    path: '/account-changes',
    handler: async (ctx) => {
      const { body } = await ctx.api.get<{ changes: AccountChange[] }>('/account-changes');
      const done = ctx.request.query.get('done');
      return ctx.render('account-changes.njk', {
        title: 'Changes waiting for approval',
        changes: body.changes.map((c) => ({ ...c, asked: changeDescription(c) })),
        banner:
          done === 'approved'
            ? 'The change has been approved. The account now holds it.'
            : done === 'refused'
              ? 'The change has been refused. The account does not hold it.'
              : undefined,
      });
    },
  },
  ...(['approve', 'refuse'] as const).map(
    (decision): PageRoute => ({
      method: 'POST',
      path: `/account-changes/{changeId}/${decision}`,
      handler: async (ctx) => {
        const changeId = encodeURIComponent(ctx.params.changeId as string);
        await ctx.api.call(
          'POST',
          `/account-changes/${changeId}/${decision === 'approve' ? 'approval' : 'refusal'}`,
        );
        return redirect(`/account-changes?done=${decision === 'approve' ? 'approved' : 'refused'}`);
      },
    }),
  ),
];
