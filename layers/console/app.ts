import type { AccountView } from '#domain/access/account.ts';
import { logger } from '#runtime/logger.ts';
import { ApiClient, ApiProblemError, type UserTokens } from './api-client.ts';
import { BadPageRequestError, errorPageFor, FormExpiredError, PageNotFoundError } from './error-pages.ts';
import type { FieldError } from './forms.ts';
import { type ConsoleRequest, type ConsoleResponse, ORIGIN_VERIFY_HEADER, redirect } from './http.ts';
import { navigationFor } from './navigation.ts';
import type { PageContext, PageRoute } from './page.ts';
import { fieldId, type Renderer } from './render.ts';
import { CookieSealer } from './sealed-cookie.ts';
import { newNonce, pageHeaders } from './security-headers.ts';
import { newToken, type Session, Sessions, tokensMatch } from './session.ts';
import type { SignInMethod, SignInTools } from './sign-in/method.ts';

export interface ConsoleOptions {
  apiUrl: string;
  consoleUrl: string;
  idleMinutes: number;
  sessionKey: Buffer;
  signIn: SignInMethod;
  pages: readonly PageRoute[];
  render: Renderer;
  /** In AWS, the value CloudFront sends in ORIGIN_VERIFY_HEADER; a request without it is refused before anything else. */
  originSecret?: string;
  /** Which API routes take the access token (from the manifest: those open to machine clients too). */
  takesAccessToken: (method: string, path: string) => boolean;
  clock?: () => number;
}

/** Path parameters are IDs the API defined; anything else names no page. */
const PARAMETER = /^[A-Za-z0-9_-]{1,120}$/;

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  names: string[];
}

function compile<R extends { path: string }>(route: R): Compiled<R> {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function match<R extends { method: string; path: string }>(routes: Compiled<R>[], request: ConsoleRequest) {
  for (const c of routes) {
    if (c.route.method !== request.method) continue;
    const found = c.pattern.exec(request.path);
    if (!found) continue;
    const values = found.slice(1);
    if (!values.every((v) => PARAMETER.test(v))) throw new PageNotFoundError(request.path);
    return { route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, values[i] as string])) };
  }
  return undefined;
}

/** The ID token's expiry (epoch ms). The API verifies the token; the console only needs to know when it ends. */
function tokenExpiry(idToken: string): number {
  const payload = idToken.split('.')[1] ?? '';
  const exp = Number(
    (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8') || '{}') as { exp?: unknown }).exp,
  );
  return Number.isFinite(exp) ? exp * 1000 : 0;
}

/**
 * The console: sign-in, a session sealed in a cookie, CSRF checks on every form, then one page per route,
 * each calling the API as the signed-in user. Every answer gets the security headers; every failure one
 * GOV.UK error page.
 */
/** A request that did not come through CloudFront: refused with nothing more said. */
export const NOT_THROUGH_CLOUDFRONT: ConsoleResponse = {
  status: 403,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  cookies: [],
  body: 'Forbidden',
};

export type ConsoleHandler = ((request: ConsoleRequest) => Promise<ConsoleResponse>) & {
  /** Whether these (lower-case) headers carry CloudFront's origin secret, where one is required. */
  admits(headers: Readonly<Record<string, string | undefined>>): boolean;
};

export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const secure = new URL(options.consoleUrl).protocol === 'https:';
  const consoleOrigin = new URL(options.consoleUrl).origin;
  const sessions = new Sessions(new CookieSealer(options.sessionKey), options.idleMinutes, secure);
  const clock = options.clock ?? Date.now;
  const pages = options.pages.map(compile);
  const signInRoutes = options.signIn.routes.map(compile);
  /** In AWS, whether CloudFront sent the request (its secret header); checked before anything is parsed. */
  const admits = (headers: Readonly<Record<string, string | undefined>>) =>
    options.originSecret === undefined || tokensMatch(options.originSecret, headers[ORIGIN_VERIFY_HEADER]);
  const publicPages: Compiled<{ method: string; path: string; template: string }>[] = [
    compile({ method: 'GET', path: '/signed-out', template: 'signed-out.njk' }),
    compile({ method: 'GET', path: '/accessibility', template: 'accessibility.njk' }),
  ];

  function page(
    nonce: string,
    session: Session | undefined,
    request: ConsoleRequest,
    template: string,
    context: Record<string, unknown>,
    status = 200,
  ): ConsoleResponse {
    const errors = (context.errors ?? []) as FieldError[];
    const body = options.render(template, {
      ...context,
      errorList: errors.map((e) => ({ text: e.message, href: `#${e.anchor ?? fieldId(e.field)}` })),
      cspNonce: nonce,
      currentPath: request.path,
      user: session && { email: session.email, roles: session.roles },
      navigation: session ? navigationFor(session, request.path) : [],
      csrfToken: context.csrfToken ?? session?.csrf,
    });
    return { status, headers: pageHeaders(nonce, options.signIn.formTargets), cookies: [], body };
  }

  /** A form must come from this console (Origin, when the browser sends it) and carry the session's token. */
  function checkForm(request: ConsoleRequest, expected: string) {
    const origin = request.headers.origin;
    if (origin && origin !== consoleOrigin) throw new FormExpiredError('cross-site form');
    if (!tokensMatch(expected, request.form.get('csrfToken')))
      throw new FormExpiredError('missing CSRF token');
  }

  async function establish(
    nonce: string,
    request: ConsoleRequest,
    tokens: UserTokens,
    returnTo: string | undefined,
  ) {
    const now = clock();
    const account = (
      await new ApiClient(options.apiUrl, tokens, options.takesAccessToken).get<AccountView>('/me')
    ).body;
    if (!account.usable)
      return page(nonce, undefined, request, 'account-unusable.njk', { problems: account.problems }, 403);
    const session: Session = {
      ...tokens,
      sid: newToken(),
      csrf: newToken(),
      email: account.email,
      roles: account.roles,
      rights: account.rights,
      expiresAt: Math.min(tokenExpiry(tokens.idToken), tokenExpiry(tokens.accessToken)),
      lastSeen: now,
    };
    return redirect(returnTo ?? '/', [sessions.clearSignIn(), ...sessions.cookies(session)]);
  }

  /**
   * A navigation from another site (a link in a web page or an e-mail) to a page that reads records would make
   * the user's browser read them, audited as theirs, without their asking: such a page first asks them to
   * continue, from the console itself. Browsers say where a request came from in Sec-Fetch-Site.
   */
  function fromAnotherSite(request: ConsoleRequest): boolean {
    const site = request.headers['sec-fetch-site'];
    return site === 'cross-site' || site === 'same-site';
  }

  async function handle(
    request: ConsoleRequest,
    nonce: string,
    seen: { route?: string },
  ): Promise<ConsoleResponse> {
    const now = clock();
    if (request.malformed) throw new BadPageRequestError(request.malformed);
    const signInHit = match(signInRoutes, request);
    if (signInHit) {
      const tools: SignInTools = {
        now,
        render: (template, context, status) => page(nonce, undefined, request, template, context, status),
        state: (r) => sessions.signInState(r, now),
        stateCookie: (s) => sessions.signInCookie(s),
        establish: (tokens, returnTo) => establish(nonce, request, tokens, returnTo),
      };
      return signInHit.route.handler(request, tools);
    }
    const session = sessions.current(request, now);
    const publicHit = match(publicPages, request);
    if (publicHit) return page(nonce, session, request, publicHit.route.template, {});

    if (request.method === 'POST' && request.path === '/sign-out') {
      if (session) checkForm(request, session.csrf);
      return redirect(options.signIn.signedOutLocation(), sessions.clear());
    }
    const hit = match(pages, request);
    if (!hit) throw new PageNotFoundError(request.path);
    seen.route = hit.route.path;
    if (!session) {
      const returnTo =
        request.method === 'GET'
          ? `${request.path}${request.query.size ? `?${request.query}` : ''}`
          : undefined;
      const query = new URLSearchParams({
        ...(sessions.lapsed(request) && { timedOut: '1' }),
        ...(returnTo && returnTo !== '/' && { returnTo }),
      });
      return redirect(`/sign-in${query.size ? `?${query}` : ''}`, sessions.clear());
    }
    if (request.method === 'POST') checkForm(request, session.csrf);
    if (request.method === 'GET' && request.path !== '/' && fromAnotherSite(request)) {
      const here = `${request.path}${request.query.size ? `?${request.query}` : ''}`;
      return page(nonce, session, request, 'continue.njk', { title: 'Continue to ContactPoint', here });
    }

    let next: Session = { ...session, lastSeen: now };
    const ctx: PageContext = {
      request,
      session,
      api: new ApiClient(options.apiUrl, session, options.takesAccessToken),
      now,
      params: hit.params,
      render: (template, context = {}, status) => page(nonce, session, request, template, context, status),
      updateSession: (change) => {
        next = { ...next, ...change };
      },
    };
    const response = await hit.route.handler(ctx);
    // R4 is re-checked by the API on every request, so a page that asked it nothing (a blank form, the home
    // page) asks who the user is: a suspended account's very next page is refused, whatever the page.
    if (ctx.api.calls === 0) await ctx.api.get('/me');
    response.cookies.push(...sessions.cookies(next));
    return response;
  }

  const answer = async (request: ConsoleRequest): Promise<ConsoleResponse> => {
    if (!admits(request.headers)) return NOT_THROUGH_CLOUDFRONT;
    const nonce = newNonce();
    const seen: { route?: string } = {};
    try {
      return await handle(request, nonce, seen);
    } catch (error) {
      // The API no longer accepts the token (expired, or the user was signed out everywhere): sign in again.
      if (error instanceof ApiProblemError && error.status === 401)
        return redirect('/sign-in?timedOut=1', sessions.clear());
      const failure = errorPageFor(error);
      if (failure.status >= 500)
        // The route's template, never the path: a path names a child or a user.
        logger.error('console page failed', { route: seen.route ?? 'none', error: error as Error });
      else logger.info('console page refused', { status: failure.status });
      const session = sessions.current(request, clock());
      const answer = page(nonce, session, request, 'error.njk', { failure }, failure.status);
      if (error instanceof ApiProblemError && error.status === 429 && error.retryAfter)
        answer.headers['retry-after'] = error.retryAfter;
      return answer;
    }
  };
  return Object.assign(answer, { admits });
}
