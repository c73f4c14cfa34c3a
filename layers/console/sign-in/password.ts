import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { FormExpiredError } from '../error-pages.ts';
import { type ConsoleRequest, redirect } from '../http.ts';
import { newToken, tokensMatch } from '../session.ts';
import { type SignInMethod, type SignInTools, safeReturnPath } from './method.ts';

/** Cognito's refusals of a password or code: told to the user in one sentence that reveals nothing more. */
const REFUSALS = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  // cognito-local's name for a wrong password (Cognito's own is NotAuthorizedException): the same one sentence,
  // so a wrong password and an unknown e-mail cannot be told apart.
  'InvalidPasswordException',
  'CodeMismatchException',
  'ExpiredCodeException',
]);

function refusedByCognito(error: unknown): boolean {
  return error instanceof Error && REFUSALS.has(error.name);
}

/**
 * The local sign-in (cognito-local has no hosted UI): e-mail and password, then the six-digit code from the
 * user's authenticator app (TOTP), as the deployed pool asks of everyone.
 */
export function passwordSignIn(options: {
  endpoint: string;
  region: string;
  clientId: string;
}): SignInMethod {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  function checkForm(request: ConsoleRequest, tools: SignInTools) {
    const state = tools.state(request);
    if (!state || !tokensMatch(state.csrf, request.form.get('csrfToken')))
      throw new FormExpiredError('sign-in form');
    return state;
  }

  return {
    formTargets: [],
    signedOutLocation: () => '/signed-out',
    routes: [
      {
        method: 'GET',
        path: '/sign-in',
        async handler(request, tools) {
          const state = { csrf: newToken(), startedAt: tools.now };
          const page = tools.render('sign-in.njk', {
            csrfToken: state.csrf,
            returnTo: safeReturnPath(request.query.get('returnTo')),
            timedOut: request.query.get('timedOut') === '1',
          });
          page.cookies.push(tools.stateCookie(state));
          return page;
        },
      },
      {
        method: 'POST',
        path: '/sign-in',
        async handler(request, tools) {
          const state = checkForm(request, tools);
          const email = (request.form.get('email') ?? '').trim();
          const password = request.form.get('password') ?? '';
          const returnTo = safeReturnPath(request.form.get('returnTo'));
          const errors = [
            ...(email ? [] : [{ field: 'email', message: 'Enter your email address' }]),
            ...(password ? [] : [{ field: 'password', message: 'Enter your password' }]),
          ];
          const again = (list: { field: string; message: string }[]) =>
            tools.render('sign-in.njk', { csrfToken: state.csrf, email, returnTo, errors: list }, 400);
          if (errors.length) return again(errors);
          let answer: InitiateAuthCommandOutput;
          try {
            answer = await cognito.send(
              new InitiateAuthCommand({
                ClientId: options.clientId,
                AuthFlow: 'USER_PASSWORD_AUTH',
                AuthParameters: { USERNAME: email, PASSWORD: password },
              }),
            );
          } catch (error) {
            if (refusedByCognito(error))
              return again([{ field: 'email', message: 'Enter a correct email address and password' }]);
            throw error;
          }
          if (answer.ChallengeName === 'SOFTWARE_TOKEN_MFA' && answer.Session) {
            const next = {
              csrf: newToken(),
              startedAt: state.startedAt,
              email,
              challengeSession: answer.Session,
            };
            return redirect(`/sign-in/code${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`, [
              tools.stateCookie(next),
            ]);
          }
          const idToken = answer.AuthenticationResult?.IdToken;
          const accessToken = answer.AuthenticationResult?.AccessToken;
          // Every account needs its second factor (R4): a pool that did not ask for one is not signed in to.
          if (!idToken || !accessToken || answer.ChallengeName)
            return again([
              {
                field: 'email',
                message:
                  'This account cannot sign in until its authenticator app is set up: ask your user administrator',
              },
            ]);
          return tools.establish({ idToken, accessToken }, returnTo);
        },
      },
      {
        method: 'GET',
        path: '/sign-in/code',
        async handler(request, tools) {
          const state = tools.state(request);
          if (!state?.challengeSession) return redirect('/sign-in');
          return tools.render('sign-in-code.njk', {
            csrfToken: state.csrf,
            returnTo: safeReturnPath(request.query.get('returnTo')),
          });
        },
      },
      {
        method: 'POST',
        path: '/sign-in/code',
        async handler(request, tools) {
          const state = checkForm(request, tools);
          if (!state.challengeSession || !state.email) return redirect('/sign-in');
          const code = (request.form.get('code') ?? '').replace(/\s+/g, '');
          const returnTo = safeReturnPath(request.form.get('returnTo'));
          const again = (message: string) =>
            tools.render(
              'sign-in-code.njk',
              { csrfToken: state.csrf, returnTo, errors: [{ field: 'code', message }] },
              400,
            );
          if (!code) return again('Enter the 6-digit code from your authenticator app');
          if (!/^\d{6}$/.test(code)) return again('The code must be 6 digits');
          let idToken: string | undefined;
          let accessToken: string | undefined;
          try {
            const answer = await cognito.send(
              new RespondToAuthChallengeCommand({
                ClientId: options.clientId,
                ChallengeName: 'SOFTWARE_TOKEN_MFA',
                Session: state.challengeSession,
                ChallengeResponses: { USERNAME: state.email, SOFTWARE_TOKEN_MFA_CODE: code },
              }),
            );
            idToken = answer.AuthenticationResult?.IdToken;
            accessToken = answer.AuthenticationResult?.AccessToken;
          } catch (error) {
            if (refusedByCognito(error))
              return again('The code is not correct, or has expired: enter the code your app shows now');
            throw error;
          }
          if (!idToken || !accessToken) return redirect('/sign-in');
          return tools.establish({ idToken, accessToken }, returnTo);
        },
      },
    ],
  };
}
