import type { CaseloadPage } from '#domain/involvement/caseload.ts';
import { apiFieldErrors, dateField } from '../forms.ts';
import { redirect } from '../http.ts';
import { bannerOf, childPath, type PageContext, type PageRoute } from '../page.ts';
import { serviceName } from './involvements.ts';

const DONE: Record<string, string> = {
  end: 'Your involvement has been ended',
  lead: 'You are now recorded as the lead professional',
  unlead: 'You are no longer recorded as the lead professional',
  assessment: 'The assessment is recorded as completed',
};

async function caseloadPage(ctx: PageContext, extra: Record<string, unknown> = {}, status = 200) {
  const ended = ctx.request.query.get('status') === 'ended';
  const cursor = ctx.request.query.get('cursor') ?? undefined;
  const { body } = await ctx.api.get<CaseloadPage>('/me/involvements', {
    status: ended ? 'ended' : 'active',
    limit: '20',
    cursor,
  });
  return ctx.render(
    'caseload.njk',
    {
      title: 'My caseload',
      ended,
      items: body.involvements.map((item) => ({
        ...item,
        serviceName: serviceName(item.involvement.serviceType),
      })),
      next:
        body.next &&
        `/caseload?${new URLSearchParams({ ...(ended && { status: 'ended' }), cursor: body.next })}`,
      banner: bannerOf(DONE, ctx.request.query.get('done')),
      ...extra,
    },
    status,
  );
}

/** The children the user has registered with, and their own involvements: end one, take or hand back the lead. */
export const caseloadPages: PageRoute[] = [
  { method: 'GET', path: '/caseload', handler: (ctx) => caseloadPage(ctx) },
  {
    method: 'POST',
    path: '/children/{childId}/involvements/{involvementId}',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const action = form.get('action');
      const involvementId = ctx.params.involvementId as string;
      let change: Record<string, unknown>;
      if (action === 'end') {
        const end = dateField(form, `endDate-${involvementId}`, 'End date');
        if (end.error || !end.value)
          return caseloadPage(
            ctx,
            {
              errors: [
                end.error ?? {
                  field: `endDate-${involvementId}`,
                  anchor: `endDate-${involvementId}-day`,
                  message: 'Enter the date your involvement ended',
                },
              ],
            },
            400,
          );
        change = { endDate: end.value };
      } else if (action === 'lead' || action === 'unlead') change = { leadProfessional: action === 'lead' };
      else if (action === 'assessment') change = { assessmentCompleted: true };
      else return redirect('/caseload');
      try {
        await ctx.api.call('PATCH', `${childPath(ctx)}/involvements/${encodeURIComponent(involvementId)}`, {
          body: change,
          ifMatch: form.get('etag') ?? '',
        });
      } catch (error) {
        const errors = apiFieldErrors(error, { endDate: 'End date', leadProfessional: 'Lead professional' });
        if (errors)
          return caseloadPage(
            ctx,
            {
              errors: errors.map((e) =>
                e.field === 'endDate'
                  ? { ...e, field: `endDate-${involvementId}`, anchor: `endDate-${involvementId}-day` }
                  : e,
              ),
            },
            400,
          );
        throw error;
      }
      return redirect(`/caseload?done=${action}`);
    },
  },
];
