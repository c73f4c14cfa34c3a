import { generate } from 'otplib';
import type { Role } from '#domain/access/principal.ts';
import { type LocalStack, pickUser } from '#infra/local/stack.ts';

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/**
 * A browser's part, without a browser: a cookie jar, forms posted with the CSRF token of the page last shown,
 * redirects followed. For HTTP-level tests of the console and for the benchmark; the browser tests drive
 * Chromium itself.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  last: Page | undefined;

  constructor(readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string>,
    follow = true,
  ): Promise<Page> {
    let response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(form && {
          'content-type': 'application/x-www-form-urlencoded',
          origin: new URL(this.baseUrl).origin,
        }),
      },
      ...(form && { body: new URLSearchParams(form).toString() }),
    });
    this.keep(response);
    while (follow && response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      const next = new URL(response.headers.get('location') as string, this.baseUrl);
      response = await fetch(next, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
      this.keep(response);
    }
    const page = {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
      headers: response.headers,
    };
    this.last = page;
    return page;
  }

  get(path: string, follow = true): Promise<Page> {
    return this.request('GET', path, undefined, follow);
  }

  /** Posts a form with the CSRF token of the page last shown (as a browser submitting that page's form would). */
  post(path: string, fields: Record<string, string>, follow = true): Promise<Page> {
    const csrfToken = /name="csrfToken" value="([^"]+)"/.exec(this.last?.html ?? '')?.[1] ?? '';
    return this.request('POST', path, { csrfToken, ...fields }, follow);
  }
}

/** Signs in through the console's own pages: e-mail and password, then the current TOTP code. */
export async function signedInConsole(stack: LocalStack, who: Role | string): Promise<ConsoleClient> {
  const user = pickUser(stack.state, who);
  if (!user) throw new Error(`No local user for ${who}`);
  const client = new ConsoleClient(stack.consoleUrl);
  await client.get('/sign-in');
  const code = await client.post('/sign-in', { email: user.email, password: stack.state.password });
  if (!code.html.includes('name="code"'))
    throw new Error(`Sign-in did not ask for a code (status ${code.status})`);
  const home = await client.post('/sign-in/code', { code: await generate({ secret: user.totpSecret }) });
  if (home.status !== 200 || !home.html.includes('Signed in as'))
    throw new Error(`Sign-in failed (status ${home.status})`);
  return client;
}
