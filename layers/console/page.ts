import type { Right, Role } from '#domain/access/principal.ts';
import type { ApiClient } from './api-client.ts';
import type { ConsoleRequest, ConsoleResponse } from './http.ts';
import type { Session } from './session.ts';

/** What a page is given: the request, the signed-in session, the API as that user, and how to answer. */
export interface PageContext {
  request: ConsoleRequest;
  session: Session;
  api: ApiClient;
  now: number;
  /** A page rendered with the layout's common context (user, navigation, CSRF token, CSP nonce). */
  render(template: string, context?: Record<string, unknown>, status?: number): ConsoleResponse;
  /** Path parameters of the matched route, already checked against their patterns. */
  params: Readonly<Record<string, string>>;
  /** Replaces the session the answer carries (the reason last stated, say). */
  updateSession(change: Partial<Pick<Session, 'reason'>>): void;
}

export type PageHandler = (ctx: PageContext) => Promise<ConsoleResponse>;

export interface PageRoute {
  method: 'GET' | 'POST';
  /** `/children/{childId}`; each parameter must match its pattern in PARAM_PATTERNS. */
  path: string;
  handler: PageHandler;
}

/** The API path of the child a page's `{childId}` names (also the console's own path of that child's page). */
export function childPath(ctx: PageContext): string {
  return `/children/${encodeURIComponent(ctx.params.childId as string)}`;
}

/** The success banner a redirect's `done` (or similar) names; anything else names none (never `constructor`). */
export function bannerOf(
  banners: Readonly<Record<string, string>>,
  key: string | null | undefined,
): string | undefined {
  return key && Object.hasOwn(banners, key) ? banners[key] : undefined;
}

export function hasRole(session: Session, ...roles: Role[]): boolean {
  return session.roles.some((r) => roles.includes(r));
}

export function hasRight(session: Session, right: Right): boolean {
  return session.rights.includes(right);
}
