import type { MatchSummary } from '#domain/disclosure/view-schema.ts';
import { ApiProblemError } from '../api-client.ts';
import { apiFieldErrors, dateField, dateParts, type FieldError, textField } from '../forms.ts';
import type { PageContext, PageRoute } from '../page.ts';
import { reasonFor, reasonFrom, reasonItems } from './reasons.ts';

const LABELS = {
  reason: 'Reason',
  givenName: 'Given name',
  familyName: 'Family name',
  dateOfBirth: 'Date of birth',
  postcode: 'Postcode',
  nhsNumber: 'NHS number',
  upn: 'Unique pupil number',
  reasonText: 'Detail',
};

function searchPage(ctx: PageContext, form: URLSearchParams, extra: Record<string, unknown>, status = 200) {
  return ctx.render(
    'search.njk',
    {
      title: 'Find a child',
      values: Object.fromEntries(form.entries()),
      dateOfBirth: dateParts(form, 'dateOfBirth'),
      reasons: reasonItems(form.get('reason') ?? ctx.session.reason?.code, ctx.session.roles),
      ...extra,
    },
    status,
  );
}

/** Search (R5 reason, R10 criteria): every check on the criteria is the API's; the page shows its words. */
export const searchPages: PageRoute[] = [
  { method: 'GET', path: '/search', handler: async (ctx) => searchPage(ctx, new URLSearchParams(), {}) },
  {
    method: 'POST',
    path: '/search',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const { reason, errors } = reasonFrom(form);
      const dateOfBirth = dateField(form, 'dateOfBirth', 'Date of birth');
      const allErrors: FieldError[] = [...errors, ...(dateOfBirth.error ? [dateOfBirth.error] : [])];
      if (allErrors.length || !reason) return searchPage(ctx, form, { errors: allErrors }, 400);
      const criteria = {
        givenName: textField(form, 'givenName'),
        familyName: textField(form, 'familyName'),
        dateOfBirth: dateOfBirth.value,
        postcode: textField(form, 'postcode'),
        nhsNumber: textField(form, 'nhsNumber')?.replace(/\s+/g, ''),
        upn: textField(form, 'upn'),
      };
      let matches: MatchSummary[];
      try {
        matches = (
          await ctx.api.get<{ matches: MatchSummary[] }>('/children', {
            ...criteria,
            reason: reason.code,
            reasonText: reason.text,
          })
        ).body.matches;
      } catch (error) {
        if (error instanceof ApiProblemError && error.problem.type?.endsWith('too-many-matches'))
          return searchPage(ctx, form, { tooMany: true, searched: true }, 200);
        const fieldErrors = apiFieldErrors(error, LABELS, ['dateOfBirth']);
        if (fieldErrors) return searchPage(ctx, form, { errors: fieldErrors }, 400);
        throw error;
      }
      ctx.updateSession({
        reason: reasonFor(
          reason,
          matches.map((m) => m.childId),
        ),
      });
      return searchPage(ctx, form, { matches, searched: true });
    },
  },
];
