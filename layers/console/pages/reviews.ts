import type { ReviewDecisionResult, ReviewView } from '#domain/feeds/review-view.ts';
import { ApiProblemError } from '../api-client.ts';
import type { FieldError } from '../forms.ts';
import { redirect } from '../http.ts';
import { bannerOf, type PageContext, type PageRoute } from '../page.ts';
import { GENDERS } from './child-form.ts';
import { requireDataManager } from './records.ts';

interface ReviewPage {
  reviews: ReviewView[];
  next?: string;
}

const FEEDS: Record<string, string> = {
  births: 'Birth registration',
  'school-census': 'School census',
  'child-benefit': 'Child Benefit',
  'nhs-demographics': 'NHS demographics',
};

/** Where the row went, as the team is told once it has decided (R8). */
export const DECIDED: Record<string, string> = {
  candidate: 'The feed row has been added to the child’s record',
  'other-child': 'The feed row has been linked to another child’s record',
  'new-child': 'A new record has been made from the feed row',
  'another-review': 'The feed row needs another decision: it is back in a review queue',
};

const OUTCOMES = [
  [
    'same-child',
    'Yes, the row is about this child',
    'The row joins the record, which becomes the best view of every source held.',
  ],
  [
    'different-children',
    'No, this is a different child',
    'They will never be linked again. The row is matched afresh: it may join another record, make a new one, or come back for review.',
  ],
] as const;

const genderText = (g: string | undefined) => GENDERS.find(([value]) => value === g)?.[1] ?? g;

/** The compared fields side by side, as rows of a table: field, the feed row's value, the record's value. */
export function comparison(review: ReviewView) {
  const address = (a: ReviewView['row']['address']) =>
    a ? [a.line1, a.line2, a.town, a.postcode].filter(Boolean).join(', ') : '';
  const education = (e: ReviewView['row']['education']) =>
    !e ? '' : e.status === 'in-education' ? e.institutionName : 'Not in education';
  const names = (n: ReviewView['row']['otherNames']) =>
    (n ?? []).map((o) => [o.givenName, o.familyName].filter(Boolean).join(' ')).join('; ');
  const r = review.row;
  const c = review.candidate;
  const fields: [string, string | undefined, string | undefined][] = [
    ['Given name', r.givenName, c?.givenName],
    ['Family name', r.familyName, c?.familyName],
    ['Other names', names(r.otherNames), names(c?.otherNames)],
    ['Gender', genderText(r.gender), genderText(c?.gender)],
    ['Date of birth', r.dateOfBirth, c?.dateOfBirth],
    ['NHS number', r.nhsNumber, c?.nhsNumber],
    ['Unique pupil number', r.upn, c?.upn],
    ['Address', address(r.address), address(c?.address)],
    ['Education', education(r.education), education(c?.education)],
    ['GP practice', r.gpPractice?.practiceName, c?.gpPractice?.practiceName],
  ];
  return fields
    .filter(([, a, b]) => a || b)
    .map(([field, row, record]) => ({
      field,
      row: row || 'Not given',
      record: record || 'Not held',
      dates: field === 'Date of birth',
      same: Boolean(row) && row === record,
    }));
}

/**
 * One item of the council's queue. The API lists the queue a page at a time and each read is audited and
 * counted (R10), so only the one page the item was listed on is read again — its cursor travels in the link
 * (`from`) and in the decision form — never the whole queue.
 */
async function findReview(ctx: PageContext): Promise<ReviewView> {
  const wanted = ctx.params.reviewId as string;
  const from = ctx.request.query.get('from') ?? ctx.request.form.get('from') ?? undefined;
  const { body } = await ctx.api.get<ReviewPage>('/reviews', { limit: String(QUEUE_PAGE), cursor: from });
  const found = body.reviews.find((r) => r.reviewId === wanted);
  if (found) return found;
  throw new ApiProblemError(404, {
    detail: 'This item is not in your team’s review queue. It may have been decided already.',
  });
}

function reviewPage(ctx: PageContext, review: ReviewView, errors: FieldError[] = [], status = 200) {
  return ctx.render(
    'review.njk',
    {
      title: 'Is this the same child?',
      review,
      from: ctx.request.query.get('from') ?? ctx.request.form.get('from') ?? undefined,
      feedName: FEEDS[review.row.feed] ?? review.row.feed,
      rows: comparison(review),
      percent: Math.floor(review.probability * 1000) / 10,
      outcomes: OUTCOMES.map(([value, text, hint]) => ({
        value,
        text,
        hint: { text: hint },
        ...(value === 'same-child' && !review.candidate && { disabled: true }),
      })),
      errors,
    },
    status,
  );
}

/** Items a page of the queue lists; an item's page is read again with the same size. */
const QUEUE_PAGE = 20;

/** R8: the uncertain matches of the national feeds, decided by the council's ContactPoint team. */
export const reviewPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/reviews',
    handler: async (ctx) => {
      requireDataManager(ctx);
      const cursor = ctx.request.query.get('cursor') ?? undefined;
      const { body } = await ctx.api.get<ReviewPage>('/reviews', { limit: String(QUEUE_PAGE), cursor });
      const decided = ctx.request.query.get('decided');
      return ctx.render('reviews.njk', {
        title: 'Review queue',
        reviews: body.reviews.map((r) => ({ ...r, feedName: FEEDS[r.row.feed] ?? r.row.feed })),
        next: body.next,
        firstPage: !cursor,
        from: cursor,
        banner: bannerOf(DECIDED, decided),
      });
    },
  },
  {
    method: 'GET',
    path: '/reviews/{reviewId}',
    handler: async (ctx) => {
      requireDataManager(ctx);
      return reviewPage(ctx, await findReview(ctx));
    },
  },
  {
    method: 'POST',
    path: '/reviews/{reviewId}/decision',
    handler: async (ctx) => {
      const outcome = ctx.request.form.get('outcome');
      if (outcome !== 'same-child' && outcome !== 'different-children')
        return reviewPage(
          ctx,
          await findReview(ctx),
          [{ field: 'outcome', message: 'Select whether the row is about this child' }],
          400,
        );
      const { body } = await ctx.api.call<ReviewDecisionResult>(
        'POST',
        `/reviews/${encodeURIComponent(ctx.params.reviewId as string)}/decision`,
        { body: { outcome } },
      );
      return redirect(`/reviews?decided=${encodeURIComponent(body.rowWent)}`);
    },
  },
];
