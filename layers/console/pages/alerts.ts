import type { AlertView } from '#domain/alerts/child-alert.ts';
import { redirect } from '../http.ts';
import type { PageRoute } from '../page.ts';

/** R9: what the user has been told about children they work with (and account notices). */
export const alertPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/alerts',
    handler: async (ctx) => {
      const unread = ctx.request.query.get('unread') === 'true';
      const cursor = ctx.request.query.get('cursor') ?? undefined;
      const { body } = await ctx.api.get<{ alerts: AlertView[]; next?: string }>('/me/alerts', {
        limit: '20',
        ...(unread && { unread: 'true' }),
        cursor,
      });
      return ctx.render('alerts.njk', {
        title: 'Alerts',
        alerts: body.alerts,
        unread,
        next:
          body.next &&
          `/alerts?${new URLSearchParams({ ...(unread && { unread: 'true' }), cursor: body.next })}`,
      });
    },
  },
  {
    method: 'POST',
    path: '/alerts/{alertId}/read',
    handler: async (ctx) => {
      await ctx.api.call('POST', `/me/alerts/${encodeURIComponent(ctx.params.alertId as string)}/read`);
      return redirect('/alerts');
    },
  },
];
