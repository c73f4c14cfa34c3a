import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { FormExpiredError } from '../error-pages.ts';
import { redirect } from '../http.ts';
import { newToken, tokensMatch } from '../session.ts';
import { type SignInMethod, safeReturnPath } from './method.ts';

const TokenAnswerSchema = z.object({ id_token: z.string().min(1), access_token: z.string().min(1) });

/** The hosted sign-in's failure to exchange a code: the user starts again. */
export class SignInExchangeError extends Error {
  override readonly name = 'SignInExchangeError';
}

/**
 * Cognito's hosted UI, the authorization code flow with PKCE (S256) and a state that must come back unchanged:
 * the user signs in (and gives their TOTP code, or signs in at their council's identity provider) on Cognito's
 * own pages; the console exchanges the one-use code for tokens, server to server.
 */
export function hostedUiSignIn(options: {
  hostedUiUrl: string;
  clientId: string;
  consoleUrl: string;
}): SignInMethod {
  const base = options.hostedUiUrl.replace(/\/$/, '');
  const callback = new URL('/auth/callback', options.consoleUrl).toString();
  return {
    formTargets: [new URL(base).origin],
    signedOutLocation: () =>
      `${base}/logout?${new URLSearchParams({ client_id: options.clientId, logout_uri: new URL('/signed-out', options.consoleUrl).toString() })}`,
    routes: [
      {
        method: 'GET',
        path: '/sign-in',
        async handler(request, tools) {
          const verifier = randomBytes(32).toString('base64url');
          const state = newToken();
          const returnTo = safeReturnPath(request.query.get('returnTo'));
          const authorize = new URL(`${base}/oauth2/authorize`);
          authorize.search = new URLSearchParams({
            response_type: 'code',
            client_id: options.clientId,
            redirect_uri: callback,
            // The API's own scope too: its access token calls the involvement routes (those open to machine clients).
            scope: 'openid email profile contactpoint/involvements.write',
            state: returnTo ? `${state}.${Buffer.from(returnTo).toString('base64url')}` : state,
            code_challenge: createHash('sha256').update(verifier).digest('base64url'),
            code_challenge_method: 'S256',
          }).toString();
          return redirect(authorize.toString(), [
            tools.stateCookie({
              csrf: newToken(),
              startedAt: tools.now,
              pkceVerifier: verifier,
              oauthState: state,
            }),
          ]);
        },
      },
      {
        method: 'GET',
        path: '/auth/callback',
        async handler(request, tools) {
          const saved = tools.state(request);
          const [state, encodedReturn] = (request.query.get('state') ?? '').split('.');
          const code = request.query.get('code');
          if (!saved?.pkceVerifier || !saved.oauthState || !code || !tokensMatch(saved.oauthState, state))
            throw new FormExpiredError('sign-in state');
          const answer = await fetch(`${base}/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              client_id: options.clientId,
              code,
              redirect_uri: callback,
              code_verifier: saved.pkceVerifier,
            }),
            signal: AbortSignal.timeout(10_000),
          });
          const parsed = TokenAnswerSchema.safeParse(await answer.json().catch(() => undefined));
          if (!answer.ok || !parsed.success)
            throw new SignInExchangeError(`The token endpoint answered ${answer.status}`);
          const returnTo = encodedReturn
            ? safeReturnPath(Buffer.from(encodedReturn, 'base64url').toString())
            : undefined;
          return tools.establish(
            { idToken: parsed.data.id_token, accessToken: parsed.data.access_token },
            returnTo,
          );
        },
      },
    ],
  };
}
