import type { PageRoute } from '../page.ts';

export const homePages: PageRoute[] = [
  {
    method: 'GET',
    path: '/',
    handler: async (ctx) => ctx.render('home.njk', { title: 'ContactPoint' }),
  },
];
