import { REASON_CODES } from '#domain/access/reasons.ts';
import type { ContactRequestView } from '#domain/contact/request.ts';
import { ApiProblemError } from '../api-client.ts';
import { apiFieldErrors, type FieldError, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import { childPath, type PageContext, type PageRoute } from '../page.ts';
import { requireDataManager } from './records.ts';

export const CONTACT_OUTCOMES = [
  ['called-back', 'We called back and arranged contact'],
  ['declined', 'Contact was declined'],
  ['could-not-reach', 'We could not reach the person who asked'],
] as const;

const ABOUT: Record<string, string> = {
  'shielded-child': 'A shielded child',
  'specialist-services': 'Specialist services',
};

const ROLES: Record<string, string> = {
  practitioner: 'Practitioner',
  'data-manager': 'ContactPoint team',
};

function described(r: ContactRequestView) {
  return {
    ...r,
    aboutText: ABOUT[r.about] ?? r.about,
    reasonText: REASON_CODES[r.reason] ?? r.reason,
    rolesText: r.requesterRoles.map((role) => ROLES[role] ?? role).join(', '),
    outcomeText: CONTACT_OUTCOMES.find(([v]) => v === r.outcome)?.[1],
    closePath: `/children/${encodeURIComponent(r.childId)}/contact-requests/${encodeURIComponent(r.requestId)}/close`,
  };
}

async function requestsOf(ctx: PageContext, status: 'open' | 'closed') {
  return (await ctx.api.get<{ requests: ContactRequestView[] }>('/contact-requests', { status })).body
    .requests;
}

/** One open request of the team's queue (the API lists them; there is no reading one alone). */
async function openRequest(ctx: PageContext): Promise<ContactRequestView> {
  const found = (await requestsOf(ctx, 'open')).find(
    (r) => r.requestId === ctx.params.requestId && r.childId === ctx.params.childId,
  );
  if (!found)
    throw new ApiProblemError(404, {
      detail: 'Your team has no open contact request with this reference. It may have been closed already.',
    });
  return found;
}

function closePage(
  ctx: PageContext,
  request: ContactRequestView,
  form: URLSearchParams,
  errors: FieldError[] = [],
  status = 200,
) {
  const values = Object.fromEntries(form.entries());
  return ctx.render(
    'contact-request-close.njk',
    {
      title: 'Close this contact request',
      request: described(request),
      etag: values.etag ?? request.etag,
      values,
      outcomes: CONTACT_OUTCOMES.map(([value, text]) => ({ value, text, checked: values.outcome === value })),
      errors,
    },
    status,
  );
}

/** R2, R3: the brokered contact requests passed to this council's ContactPoint team. */
export const contactRequestPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/contact-requests',
    handler: async (ctx) => {
      requireDataManager(ctx);
      const status = ctx.request.query.get('status') === 'closed' ? 'closed' : 'open';
      return ctx.render('contact-requests.njk', {
        title: status === 'open' ? 'Contact requests' : 'Closed contact requests',
        status,
        requests: (await requestsOf(ctx, status)).map(described),
        banner:
          ctx.request.query.get('done') === 'closed' ? 'The contact request has been closed' : undefined,
      });
    },
  },
  {
    method: 'GET',
    path: '/children/{childId}/contact-requests/{requestId}/close',
    handler: async (ctx) => {
      requireDataManager(ctx);
      return closePage(ctx, await openRequest(ctx), new URLSearchParams());
    },
  },
  {
    method: 'POST',
    path: '/children/{childId}/contact-requests/{requestId}/close',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const outcome = form.get('outcome') ?? '';
      const note = textField(form, 'note');
      if (!CONTACT_OUTCOMES.some(([v]) => v === outcome))
        return closePage(
          ctx,
          await openRequest(ctx),
          form,
          [{ field: 'outcome', message: 'Select what happened' }],
          400,
        );
      try {
        await ctx.api.call(
          'PATCH',
          `${childPath(ctx)}/contact-requests/${encodeURIComponent(ctx.params.requestId as string)}`,
          { body: { status: 'closed', outcome, ...(note && { note }) }, ifMatch: form.get('etag') ?? '' },
        );
      } catch (error) {
        const fieldErrors =
          error instanceof ApiProblemError && error.status !== 409
            ? apiFieldErrors(error, { outcome: 'Outcome', note: 'Note' })
            : undefined;
        if (fieldErrors) return closePage(ctx, await openRequest(ctx), form, fieldErrors, 400);
        throw error;
      }
      return redirect('/contact-requests?done=closed');
    },
  },
];
