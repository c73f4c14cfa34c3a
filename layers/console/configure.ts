import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Settings } from '#runtime/settings.ts';
import { createConsole } from './app.ts';
import { CONSOLE_PAGES } from './pages/index.ts';
import { createRenderer } from './render.ts';
import { hostedUiSignIn } from './sign-in/hosted-ui.ts';
import { passwordSignIn } from './sign-in/password.ts';

async function sessionKeyFrom(settings: Settings<'console'>): Promise<Buffer> {
  if (settings.SIGN_IN === 'password') return Buffer.from(settings.LOCAL_SESSION_KEY, 'hex');
  const client = new SecretsManagerClient({ region: settings.AWS_REGION });
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: settings.SESSION_KEY_SECRET_ID }),
  );
  if (!SecretString || !/^[0-9a-f]{64}$/.test(SecretString))
    throw new Error('The console session key secret must hold 64 hex characters');
  return Buffer.from(SecretString, 'hex');
}

/** The console as its settings describe it, built once at cold start. */
export async function consoleFromSettings(
  settings: Settings<'console'>,
  takesAccessToken: (method: string, path: string) => boolean,
) {
  return createConsole({
    takesAccessToken,
    apiUrl: settings.API_URL,
    consoleUrl: settings.CONSOLE_URL,
    idleMinutes: settings.SESSION_IDLE_MINUTES,
    sessionKey: await sessionKeyFrom(settings),
    render: createRenderer(),
    pages: CONSOLE_PAGES,
    signIn:
      settings.SIGN_IN === 'password'
        ? passwordSignIn({
            endpoint: settings.COGNITO_ENDPOINT,
            region: settings.AWS_REGION,
            clientId: settings.USER_POOL_CLIENT_ID,
          })
        : hostedUiSignIn({
            hostedUiUrl: settings.HOSTED_UI_URL,
            clientId: settings.CONSOLE_CLIENT_ID,
            consoleUrl: settings.CONSOLE_URL,
          }),
  });
}
