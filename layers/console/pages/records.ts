import type { ChildView } from '#domain/disclosure/view-schema.ts';
import { ApiProblemError } from '../api-client.ts';
import { dateParts, type FieldError } from '../forms.ts';
import { redirect } from '../http.ts';
import { childPath, hasRole, type PageContext, type PageRoute } from '../page.ts';
import {
  CARER_RELATIONSHIPS,
  carerRowCount,
  childFormErrors,
  childFromForm,
  childPatch,
  formOfChild,
  GENDERS,
} from './child-form.ts';

/** The reason a ContactPoint team states when it reads a record to correct or shield it (R5). */
export const TEAM_REASON = 'DATA_QUALITY';

/**
 * A page only a ContactPoint team uses. The API decides every request; this saves anyone else a form they
 * cannot send, and a record view (an audited read) they had no need of.
 */
export function requireDataManager(ctx: PageContext): void {
  if (!hasRole(ctx.session, 'data-manager'))
    throw new ApiProblemError(403, {
      detail: 'Only a council’s ContactPoint team (data managers) can use this page.',
    });
}

interface FormPage {
  title: string;
  action: string;
  submitText: string;
  backLink: string;
  etag?: string;
  childName?: string;
}

function recordForm(
  ctx: PageContext,
  page: FormPage,
  form: URLSearchParams,
  errors: FieldError[] = [],
  status = 200,
) {
  const rows = carerRowCount(form);
  const values = Object.fromEntries(form.entries());
  return ctx.render(
    'child-form.njk',
    {
      ...page,
      values,
      dateOfBirth: dateParts(form, 'dateOfBirth'),
      genders: GENDERS.map(([value, text]) => ({ value, text, checked: values.gender === value })),
      carers: Array.from({ length: rows }, (_, i) => ({
        index: i,
        number: i + 1,
        relationships: [
          { value: '', text: 'Choose a relationship' },
          ...CARER_RELATIONSHIPS.map(([value, text]) => ({
            value,
            text,
            selected: values[`carers.${i}.relationship`] === value,
          })),
        ],
      })),
      carerRows: rows,
      errors,
    },
    status,
  );
}

const CREATE_PAGE = {
  title: 'Create a child record',
  action: '/children/new',
  submitText: 'Create record',
  backLink: '/',
};

async function currentView(ctx: PageContext) {
  const answer = await ctx.api.get<ChildView>(childPath(ctx), { reason: TEAM_REASON });
  if (answer.body.disclosure === 'shielded')
    throw new ApiProblemError(403, {
      detail: 'This record is shielded by another council: only its ContactPoint team can correct it.',
    });
  return answer;
}

function editPage(ctx: PageContext, view: ChildView, etag: string): FormPage {
  return {
    title: 'Correct this record',
    action: `${childPath(ctx)}/edit`,
    submitText: 'Save corrections',
    backLink: childPath(ctx),
    etag,
    childName: `${view.givenName} ${view.familyName}`,
  };
}

/** R1: a ContactPoint team creates and corrects records in its own area; the API judges every value. */
export const recordPages: PageRoute[] = [
  {
    method: 'GET',
    path: '/children/new',
    handler: async (ctx) => {
      requireDataManager(ctx);
      return recordForm(ctx, CREATE_PAGE, new URLSearchParams({ carerRows: '2' }));
    },
  },
  {
    method: 'POST',
    path: '/children/new',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const { body, errors, carerRows } = childFromForm(form);
      if (errors.length) return recordForm(ctx, CREATE_PAGE, form, errors, 400);
      let childId: string;
      try {
        childId = (await ctx.api.call<ChildView>('POST', '/children', { body })).body.childId;
      } catch (error) {
        const fieldErrors = childFormErrors(error, carerRows);
        if (fieldErrors) return recordForm(ctx, CREATE_PAGE, form, fieldErrors, 400);
        throw error;
      }
      return redirect(`/children/${encodeURIComponent(childId)}?done=created`);
    },
  },
  {
    method: 'GET',
    path: '/children/{childId}/edit',
    handler: async (ctx) => {
      requireDataManager(ctx);
      const { body: view, etag } = await currentView(ctx);
      return recordForm(ctx, editPage(ctx, view, etag ?? ''), formOfChild(view));
    },
  },
  {
    method: 'POST',
    path: '/children/{childId}/edit',
    handler: async (ctx) => {
      requireDataManager(ctx);
      const form = ctx.request.form;
      // The version the user corrected: if anyone changed the record since, the API refuses (412), never a lost update.
      const etag = form.get('etag') ?? '';
      const { body: view } = await currentView(ctx);
      const page = editPage(ctx, view, etag);
      const { body, errors, carerRows } = childFromForm(form);
      if (errors.length) return recordForm(ctx, page, form, errors, 400);
      const patch = childPatch(view, body);
      if (Object.keys(patch).length === 0)
        return recordForm(
          ctx,
          page,
          form,
          [{ field: 'givenName', message: 'You have not changed anything. Change a value, or go back' }],
          400,
        );
      try {
        await ctx.api.call('PATCH', childPath(ctx), { body: patch, ifMatch: etag });
      } catch (error) {
        const fieldErrors = childFormErrors(error, carerRows);
        if (fieldErrors) return recordForm(ctx, page, form, fieldErrors, 400);
        throw error;
      }
      return redirect(`${childPath(ctx)}?done=corrected`);
    },
  },
];
