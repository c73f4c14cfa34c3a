import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { RightSchema, RoleSchema } from '#domain/access/principal.ts';
import { ReasonCodeSchema } from '#domain/access/reasons.ts';
import { type ConsoleRequest, setCookie } from './http.ts';
import type { CookieSealer } from './sealed-cookie.ts';

export const SESSION_COOKIE = 'cp_session';
export const SIGN_IN_COOKIE = 'cp_sign_in';
/** The access token, for the API routes that take one (those open to machine clients too); its own cookie keeps each under 4 KB. */
export const ACCESS_COOKIE = 'cp_access';
const AccessSchema = z.object({ accessToken: z.string().min(1) }).strict();

/**
 * What the console keeps between pages, sealed in one cookie: the user's ID token (sent to the API, which
 * decides everything), the CSRF token of every form, when the session was last used (idle timeout), and the
 * reason last stated (R5), so a child opened from the search results is viewed for the reason searched for.
 * Roles and rights are kept only to choose which links to show; the API enforces them.
 */
export const SessionSchema = z
  .object({
    idToken: z.string().min(1),
    csrf: z.string().min(1),
    email: z.string(),
    roles: z.array(RoleSchema),
    rights: z.array(RightSchema),
    /** Epoch ms: the ID token's expiry; the session ends with it. */
    expiresAt: z.number(),
    /** Epoch ms. */
    lastSeen: z.number(),
    reason: z
      .object({ code: ReasonCodeSchema, text: z.string().max(200).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type Session = z.infer<typeof SessionSchema> & { accessToken: string };

/**
 * A sign-in under way: the CSRF token of the sign-in form (login CSRF), then Cognito's challenge session
 * while the TOTP code is asked for (local), or the PKCE verifier and state of the hosted UI (AWS).
 */
export const SignInStateSchema = z
  .object({
    csrf: z.string().min(1),
    startedAt: z.number(),
    email: z.string().optional(),
    challengeSession: z.string().optional(),
    pkceVerifier: z.string().optional(),
    oauthState: z.string().optional(),
  })
  .strict();
export type SignInState = z.infer<typeof SignInStateSchema>;

/** A sign-in must be finished within ten minutes of starting it. */
export const SIGN_IN_MINUTES = 10;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a submitted token with the expected one. */
export function tokensMatch(expected: string, submitted: string | null | undefined): boolean {
  if (!submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class Sessions {
  constructor(
    private readonly sealer: CookieSealer,
    private readonly idleMinutes: number,
    private readonly secure: boolean,
  ) {}

  /** The live session of a request: none if absent, tampered with, expired or idle too long. */
  current(request: ConsoleRequest, now: number): Session | undefined {
    const stored = this.sealer.open(SESSION_COOKIE, request.cookies[SESSION_COOKIE], SessionSchema);
    const access = this.sealer.open(ACCESS_COOKIE, request.cookies[ACCESS_COOKIE], AccessSchema);
    if (!stored || !access) return undefined;
    const session: Session = { ...stored, accessToken: access.accessToken };
    if (now >= session.expiresAt) return undefined;
    if (now - session.lastSeen > this.idleMinutes * 60_000) return undefined;
    return session;
  }

  /** Whether the request carried a session that has since lapsed (to say so, rather than just ask to sign in). */
  lapsed(request: ConsoleRequest): boolean {
    return request.cookies[SESSION_COOKIE] !== undefined && request.cookies[SESSION_COOKIE] !== '';
  }

  cookies(session: Session): string[] {
    const { accessToken, ...stored } = session;
    return [
      setCookie(SESSION_COOKIE, this.sealer.seal(SESSION_COOKIE, stored), { secure: this.secure }),
      setCookie(ACCESS_COOKIE, this.sealer.seal(ACCESS_COOKIE, { accessToken }), { secure: this.secure }),
    ];
  }

  clear(): string[] {
    return [
      setCookie(SESSION_COOKIE, '', { secure: this.secure, maxAge: 0 }),
      setCookie(ACCESS_COOKIE, '', { secure: this.secure, maxAge: 0 }),
      setCookie(SIGN_IN_COOKIE, '', { secure: this.secure, maxAge: 0 }),
    ];
  }

  clearSignIn(): string {
    return setCookie(SIGN_IN_COOKIE, '', { secure: this.secure, maxAge: 0 });
  }

  signInState(request: ConsoleRequest, now: number): SignInState | undefined {
    const state = this.sealer.open(SIGN_IN_COOKIE, request.cookies[SIGN_IN_COOKIE], SignInStateSchema);
    if (!state || now - state.startedAt > SIGN_IN_MINUTES * 60_000) return undefined;
    return state;
  }

  signInCookie(state: SignInState): string {
    return setCookie(SIGN_IN_COOKIE, this.sealer.seal(SIGN_IN_COOKIE, state), {
      secure: this.secure,
      maxAge: SIGN_IN_MINUTES * 60,
    });
  }
}
