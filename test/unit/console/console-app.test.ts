import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConsole } from '#console/app.ts';
import {
  type ConsoleRequest,
  type ConsoleResponse,
  ORIGIN_VERIFY_HEADER,
  parseCookies,
  redirect,
} from '#console/http.ts';
import type { PageRoute } from '#console/page.ts';
import { createRenderer } from '#console/render.ts';
import { CookieSealer } from '#console/sealed-cookie.ts';
import { cookieNames } from '#console/session.ts';
import { type SignInMethod, safeReturnPath } from '#console/sign-in/method.ts';

/**
 * The console's own guarantees, without a network: the API is a stub answering GET /me. Sign-in is a stub
 * method that opens a session at once (its real methods are tested in a browser, e2e).
 */
const KEY = Buffer.alloc(32, 7);
const API = 'https://api.test';
/** Over HTTPS the cookies carry the __Host- prefix. */
const SESSION_COOKIE = cookieNames(true).session;
const ACCESS_COOKIE = cookieNames(true).access;
const CONSOLE = 'https://console.test';
const unsigned = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
let now = Date.parse('2026-12-06T10:00:00Z');
const account = {
  email: 'nurse@example.nhs.uk',
  roles: ['practitioner'],
  rights: [],
  usable: true,
  problems: [],
};

const stubSignIn: SignInMethod = {
  formTargets: [],
  signedOutLocation: () => '/signed-out',
  routes: [
    {
      method: 'POST',
      path: '/sign-in',
      handler: (_request, tools) =>
        tools.establish(
          {
            idToken: unsigned({ exp: now / 1000 + 3600 }),
            accessToken: unsigned({ exp: now / 1000 + 3600 }),
          },
          undefined,
        ),
    },
  ],
};

const pages: PageRoute[] = [
  { method: 'GET', path: '/', handler: async (ctx) => ctx.render('home.njk', { title: 'ContactPoint' }) },
  { method: 'POST', path: '/echo', handler: async () => redirect('/') },
  {
    method: 'GET',
    path: '/things/{thingId}',
    handler: async (ctx) => {
      await ctx.api.get(`/things/${ctx.params.thingId}`);
      return ctx.render('home.njk', { title: 'A thing' });
    },
  },
];

function request(method: string, path: string, options: Partial<ConsoleRequest> = {}): ConsoleRequest {
  return {
    method,
    path,
    query: new URLSearchParams(),
    form: new URLSearchParams(),
    cookies: {},
    headers: {},
    sourceIp: '127.0.0.1',
    requestId: 'r',
    ...options,
  };
}

const cookiesOf = (response: ConsoleResponse) =>
  parseCookies(response.cookies.map((c) => c.split(';')[0]).join('; '));

const app = (options: { originSecret?: string } = {}) =>
  createConsole({
    apiUrl: API,
    consoleUrl: CONSOLE,
    idleMinutes: 15,
    sessionKey: KEY,
    signIn: stubSignIn,
    pages,
    render: createRenderer(),
    takesAccessToken: () => false,
    clock: () => now,
    ...options,
  });

async function signedIn(console = app()) {
  const answer = await console(request('POST', '/sign-in'));
  expect(answer.status).toBe(303);
  return cookiesOf(answer);
}

beforeEach(() => {
  now = Date.parse('2026-12-06T10:00:00Z');
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL) =>
      String(url) === `${API}/me`
        ? new Response(JSON.stringify(account), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        : new Response('{}', { status: 404 }),
    ),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('the console session', () => {
  it('is sealed in HttpOnly, SameSite=Lax, Secure cookies that name no token in clear', async () => {
    const answer = await app()(request('POST', '/sign-in'));
    const session = answer.cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Secure/);
    expect(session).not.toContain('eyJ');
    expect(session).not.toContain('nurse@');
  });

  it('shows the page to the holder of the session', async () => {
    const page = await app()(request('GET', '/', { cookies: await signedIn() }));
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in as nurse@example.nhs.uk');
  });

  it('treats a cookie changed by one byte as no session at all', async () => {
    const cookies = await signedIn();
    const sealed = cookies[SESSION_COOKIE] as string;
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    const page = await app()(request('GET', '/', { cookies: { ...cookies, [SESSION_COOKIE]: flipped } }));
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/sign-in/);
  });

  it('refuses a session sealed under another key', async () => {
    const other = new CookieSealer(Buffer.alloc(32, 9));
    const cookies = await signedIn();
    const forged = other.seal(SESSION_COOKIE, {
      idToken: 'x',
      csrf: 'x',
      email: 'x',
      roles: ['practitioner'],
      rights: [],
      expiresAt: now + 1e6,
      lastSeen: now,
    });
    const page = await app()(request('GET', '/', { cookies: { ...cookies, [SESSION_COOKIE]: forged } }));
    expect(page.status).toBe(303);
  });

  it('is no session when its two cookies come from two different sign-ins', async () => {
    const first = await signedIn();
    const second = await signedIn();
    const mixed = { ...first, [ACCESS_COOKIE]: second[ACCESS_COOKIE] as string };
    expect((await app()(request('GET', '/', { cookies: first }))).status).toBe(200);
    expect((await app()(request('GET', '/', { cookies: mixed }))).status).toBe(303);
  });

  it('names its cookies with the __Host- prefix over HTTPS', async () => {
    const answer = await app()(request('POST', '/sign-in'));
    expect(answer.cookies.filter((c) => /^__Host-cp_(session|access)=[^;]+;/.test(c))).toHaveLength(2);
  });

  it('ends after the idle timeout and says so at sign-in', async () => {
    const cookies = await signedIn();
    now += 16 * 60_000;
    const page = await app()(request('GET', '/', { cookies }));
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/sign-in?timedOut=1');
  });

  it('is kept alive by use: each page renews the idle clock', async () => {
    let cookies = await signedIn();
    for (let minute = 0; minute < 4; minute += 1) {
      now += 10 * 60_000;
      const page = await app()(request('GET', '/', { cookies }));
      expect(page.status).toBe(200);
      cookies = { ...cookies, ...cookiesOf(page) };
    }
  });
});

describe('forms', () => {
  it('refuses a form without the session’s CSRF token with the GOV.UK "form has expired" page', async () => {
    const cookies = await signedIn();
    const page = await app()(
      request('POST', '/echo', { cookies, form: new URLSearchParams({ csrfToken: 'guess' }) }),
    );
    expect(page.status).toBe(403);
    expect(page.body).toContain('This form has expired');
  });

  it('refuses a form posted from another site even with a token', async () => {
    const console = app();
    const cookies = await signedIn(console);
    const home = await console(request('GET', '/', { cookies }));
    const csrfToken = /name="csrfToken" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    const evil = await console(
      request('POST', '/echo', {
        cookies,
        form: new URLSearchParams({ csrfToken }),
        headers: { origin: 'https://evil.test' },
      }),
    );
    expect(evil.status).toBe(403);
    const own = await console(
      request('POST', '/echo', {
        cookies,
        form: new URLSearchParams({ csrfToken }),
        headers: { origin: CONSOLE },
      }),
    );
    expect(own.status).toBe(303);
  });
});

describe('every page', () => {
  it('carries a CSP whose nonce is the one on the page’s only inline script, and is never cached', async () => {
    const page = await app()(request('GET', '/', { cookies: await signedIn() }));
    const nonce = /'nonce-([^']+)'/.exec(page.headers['content-security-policy'] ?? '')?.[1];
    expect(nonce).toBeDefined();
    const inline = [...page.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
    expect(inline).toEqual([` nonce="${nonce}"`]);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('shows a GOV.UK 404 page for a path that names nothing, with no internal detail', async () => {
    const page = await app()(request('GET', '/children/%3Cscript%3E', { cookies: await signedIn() }));
    expect(page.status).toBe(404);
    expect(page.body).toContain('Page not found');
    expect(page.body).not.toContain('%3Cscript');
  });
});

describe('a link from another site', () => {
  it('asks the user to continue before a page that reads records runs', async () => {
    const console = app();
    const cookies = await signedIn(console);
    const page = await console(
      request('GET', '/things/T1', { cookies, headers: { 'sec-fetch-site': 'cross-site' } }),
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('You followed a link from outside ContactPoint');
    expect(page.body).toContain('href="/things/T1"');
    const asked = () => vi.mocked(fetch).mock.calls.map(([url]) => String(url));
    expect(asked()).not.toContain(`${API}/things/T1`);
    // From the console itself, the page runs.
    await console(request('GET', '/things/T1', { cookies, headers: { 'sec-fetch-site': 'same-origin' } }));
    expect(asked()).toContain(`${API}/things/T1`);
  });
});

describe('the page a sign-in returns to', () => {
  it('is a plain path of the console, never another site however it is spelt', () => {
    for (const evil of [
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil',
      'https://evil.example',
      '/x\r\nSet-Cookie: a=b',
    ])
      expect(safeReturnPath(evil), evil).toBeUndefined();
    expect(safeReturnPath('/alerts')).toBe('/alerts');
    expect(safeReturnPath('/children/CP7M3K9P2XN?x=1')).toBe('/children/CP7M3K9P2XN?x=1');
  });
});

describe('the origin guard (AWS)', () => {
  it('answers nothing but 403 to a request that did not come through CloudFront', async () => {
    const guarded = app({ originSecret: 'a'.repeat(64) });
    expect((await guarded(request('GET', '/sign-in'))).status).toBe(403);
    expect(
      (await guarded(request('GET', '/', { headers: { [ORIGIN_VERIFY_HEADER]: 'b'.repeat(64) } }))).status,
    ).toBe(403);
    const through = await guarded(
      request('GET', '/', { headers: { [ORIGIN_VERIFY_HEADER]: 'a'.repeat(64) } }),
    );
    expect(through.status).toBe(303);
  });
});
