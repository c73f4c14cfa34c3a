import type { ChildView, OverrideView } from '#domain/disclosure/view-schema.ts';
import { apiFieldErrors, type FieldError, textField } from '../forms.ts';
import { redirect } from '../http.ts';
import { bannerOf, childPath, hasRight, hasRole, type PageContext, type PageRoute } from '../page.ts';
import { reasonCovering, reasonFor, reasonFrom, reasonItems, reasonLabel } from './reasons.ts';

/** The API's answer to a request to break a shield (POST …/override-warnings). */
interface OverrideWarning {
  warning: string;
  confirmation: string;
  expiresAt: string;
}

function reasonPage(ctx: PageContext, errors: FieldError[] = [], status = 200) {
  return ctx.render(
    'child-reason.njk',
    {
      title: 'Why do you need to see this record?',
      childPath: childPath(ctx),
      reasons: reasonItems(ctx.session.reason?.code, ctx.session.roles),
      // A banner for what was just done (a record created) survives being asked why.
      done: ctx.request.query.get('done') ?? undefined,
      errors,
    },
    status,
  );
}

/** The record as the API shows it to this user (R2, R3): the page renders exactly the fields it was given. */
async function childPage(ctx: PageContext, extra: Record<string, unknown> = {}) {
  const reason = reasonCovering(ctx.session.reason, ctx.params.childId as string);
  if (!reason || ctx.request.query.get('changeReason') === '1') return reasonPage(ctx);
  const { body: view } = await ctx.api.get<ChildView>(childPath(ctx), {
    reason: reason.code,
    reasonText: reason.text,
  });
  return ctx.render('child.njk', {
    title: `${view.givenName} ${view.familyName}`,
    view,
    childPath: childPath(ctx),
    reasonText: reasonLabel(reason.code),
    canRegister: hasRole(ctx.session, 'practitioner', 'data-manager') && view.disclosure !== 'shielded',
    canCorrect: hasRole(ctx.session, 'data-manager') && view.disclosure !== 'shielded',
    canShield: hasRole(ctx.session, 'data-manager'),
    canOverride: view.disclosure === 'shielded' && hasRight(ctx.session, 'child-protection-override'),
    banner: bannerOf(BANNERS, ctx.request.query.get('done')),
    ...extra,
  });
}

const BANNERS: Record<string, string> = {
  registered: 'Your involvement has been registered',
  requested:
    'Your request has been passed to the ContactPoint team that can arrange contact. They will call you back.',
  created: 'The record has been created',
  corrected: 'The record has been corrected',
  shielded: 'The record has been shielded',
  unshielded: 'The shield has been lifted',
  'unshield-agreed':
    'Your team’s agreement to lift the shield has been recorded. The record stays shielded until the other council’s ContactPoint team agrees too.',
};

const CONTACT_LABELS = { callBackPhone: 'Phone number to call you back on', message: 'Message' };

export const childPages: PageRoute[] = [
  { method: 'GET', path: '/children/{childId}', handler: (ctx) => childPage(ctx) },
  {
    method: 'POST',
    path: '/children/{childId}/reason',
    handler: async (ctx) => {
      const { reason, errors } = reasonFrom(ctx.request.form);
      if (!reason) return reasonPage(ctx, errors, 400);
      const childId = ctx.params.childId as string;
      ctx.updateSession({ reason: reasonFor(reason, [childId, ...(ctx.session.reason?.childIds ?? [])]) });
      const done = ctx.request.form.get('done');
      return redirect(`${childPath(ctx)}${done && bannerOf(BANNERS, done) ? `?done=${done}` : ''}`);
    },
  },
  {
    // R2, R3: brokered contact. The answer is the same whatever the record holds.
    method: 'POST',
    path: '/children/{childId}/contact-requests',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const about = form.get('about') === 'specialist-services' ? 'specialist-services' : 'shielded-child';
      const reason = reasonCovering(ctx.session.reason, ctx.params.childId as string);
      if (!reason) return reasonPage(ctx);
      try {
        await ctx.api.call('POST', `${childPath(ctx)}/contact-requests`, {
          body: {
            about,
            callBackPhone: textField(form, 'callBackPhone') ?? '',
            reason: reason.code,
            ...(textField(form, 'message') && { message: textField(form, 'message') }),
          },
        });
      } catch (error) {
        const errors = apiFieldErrors(error, CONTACT_LABELS);
        if (errors)
          return childPage(ctx, { errors, contactValues: Object.fromEntries(form.entries()) }).then(
            (page) => ({ ...page, status: 400 }),
          );
        throw error;
      }
      return redirect(`${childPath(ctx)}?done=requested`);
    },
  },
  {
    // R3 break-glass, step 1: the API's warning and a one-use confirmation.
    method: 'POST',
    path: '/children/{childId}/override',
    handler: async (ctx) => {
      const { body } = await ctx.api.call<OverrideWarning>('POST', `${childPath(ctx)}/override-warnings`, {
        body: {},
      });
      return ctx.render('override-warning.njk', {
        title: 'Break the shield on this record',
        childPath: childPath(ctx),
        warning: body.warning,
        confirmation: body.confirmation,
        expiresAt: body.expiresAt,
        reasons: reasonItems(ctx.session.reason?.code, ctx.session.roles),
      });
    },
  },
  {
    // R3 break-glass, step 2: the record for this one view, with its justification; the shielding team is alerted.
    method: 'POST',
    path: '/children/{childId}/override/view',
    handler: async (ctx) => {
      const form = ctx.request.form;
      const { reason, errors } = reasonFrom(form);
      const justification = textField(form, 'justification');
      const confirmation = form.get('confirmation') ?? '';
      const all: FieldError[] = [...errors];
      if (!justification || justification.length < 20)
        all.push({
          field: 'justification',
          message: 'Explain the risk of significant harm in at least 20 characters',
        });
      const again = (list: FieldError[]) =>
        ctx.render(
          'override-warning.njk',
          {
            title: 'Break the shield on this record',
            childPath: childPath(ctx),
            confirmation,
            reasons: reasonItems(form.get('reason') ?? undefined, ctx.session.roles),
            justification,
            errors: list,
          },
          400,
        );
      if (all.length || !reason || !justification) return again(all);
      let view: OverrideView;
      try {
        view = (
          await ctx.api.call<OverrideView>('POST', `${childPath(ctx)}/override-views`, {
            body: { confirmation, reason: reason.code, reasonText: justification },
          })
        ).body;
      } catch (error) {
        const fieldErrors = apiFieldErrors(error, { justification: 'Justification', reason: 'Reason' });
        if (fieldErrors) return again(fieldErrors);
        throw error;
      }
      return ctx.render('child.njk', {
        title: `${view.givenName} ${view.familyName}`,
        view,
        childPath: childPath(ctx),
        reasonText: reasonLabel(reason.code),
      });
    },
  },
];
