import type { UserTokens } from '../api-client.ts';
import type { ConsoleRequest, ConsoleResponse } from '../http.ts';
import type { SignInState } from '../session.ts';

/** What a sign-in page may do: render without a session, keep its state, and open the session at the end. */
export interface SignInTools {
  now: number;
  render(template: string, context: Record<string, unknown>, status?: number): ConsoleResponse;
  state(request: ConsoleRequest): SignInState | undefined;
  stateCookie(state: SignInState): string;
  /** Checks the user's account with the API (GET /me), seals the session and sends them on. */
  establish(tokens: UserTokens, returnTo: string | undefined): Promise<ConsoleResponse>;
}

export interface SignInRoute {
  method: 'GET' | 'POST';
  path: string;
  handler(request: ConsoleRequest, tools: SignInTools): Promise<ConsoleResponse>;
}

/**
 * How users sign in: a password and TOTP form against cognito-local here; Cognito's hosted UI with the
 * authorization code and PKCE in AWS (council users through their own identity provider).
 */
export interface SignInMethod {
  routes: readonly SignInRoute[];
  /** Origins, besides the console's own, that its forms may post to (the CSP form-action). */
  formTargets: readonly string[];
  /** Where a user goes once the console has forgotten their session. */
  signedOutLocation(): string;
}

/** Only a path on this console may be returned to after sign-in (never another site). */
export function safeReturnPath(value: string | null | undefined): string | undefined {
  // A plain path and query of this console, nothing else: browsers drop tabs and line breaks, so `/\t/evil`
  // would become `//evil`, another site.
  if (!value || !/^\/(?![/\\])[A-Za-z0-9/_.~%?=&-]*$/.test(value)) return undefined;
  if (value.startsWith('/sign-in') || value.startsWith('/auth/') || value.length > 200) return undefined;
  return value;
}
