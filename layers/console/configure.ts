import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Settings } from '#runtime/settings.ts';
import { createConsole } from './app.ts';
import { CONSOLE_PAGES } from './pages/index.ts';
import { createRenderer } from './render.ts';
import { hostedUiSignIn } from './sign-in/hosted-ui.ts';
import { passwordSignIn } from './sign-in/password.ts';

/** A secret of 64 hex characters (256 bits), read once at cold start. */
async function hexSecret(client: SecretsManagerClient, secretId: string, what: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString || !/^[0-9a-f]{64}$/.test(SecretString))
    throw new Error(`The ${what} secret must hold 64 hex characters`);
  return SecretString;
}

/**
 * The session key, and in AWS the origin header's value; locally the key is given directly and nothing
 * stands in front of the console to guard.
 */
async function secretsFrom(
  settings: Settings<'console'>,
): Promise<{ sessionKey: Buffer; originSecret?: string }> {
  if (settings.SIGN_IN === 'password') return { sessionKey: Buffer.from(settings.LOCAL_SESSION_KEY, 'hex') };
  const client = new SecretsManagerClient({ region: settings.AWS_REGION });
  const [sessionKey, originSecret] = await Promise.all([
    hexSecret(client, settings.SESSION_KEY_SECRET_ID, 'session key'),
    hexSecret(client, settings.ORIGIN_VERIFY_SECRET_ID, 'origin header'),
  ]);
  return { sessionKey: Buffer.from(sessionKey, 'hex'), originSecret };
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
    ...(await secretsFrom(settings)),
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
