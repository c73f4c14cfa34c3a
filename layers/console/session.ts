import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { RightSchema, RoleSchema } from '#domain/access/principal.ts';
import { ReasonCodeSchema } from '#domain/access/reasons.ts';
import { type ConsoleRequest, setCookie } from './http.ts';
import type { CookieSealer } from './sealed-cookie.ts';

export const SESSION_COOKIE = 'cp_session';
/** How many children a stated reason may cover: a search's matches (at most 10) and a few opened since. */
export const REASON_COVERS = 20;
export const SIGN_IN_COOKIE = 'cp_sign_in';
/** The access token, for the API routes that take one (those open to machine clients too); its own cookie keeps each under 4 KB. */
export const ACCESS_COOKIE = 'cp_access';
const AccessSchema = z.object({ accessToken: z.string().min(1), sid: z.string().min(1) }).strict();

/**
 * What the console keeps between pages, sealed in one cookie: the user's ID token (sent to the API, which
 * decides everything), the CSRF token of every form, when the session was last used (idle timeout), and the
 * reason last stated (R5), so a child opened from the search results is viewed for the reason searched for.
 * Roles and rights are kept only to choose which links to show; the API enforces them.
 */
export const SessionSchema = z
  .object({
    idToken: z.string().min(1),
    /** Binds the two cookies of one session: a session cookie and an access cookie of two sessions are no session. */
    sid: z.string().min(1),
    csrf: z.string().min(1),
    email: z.string(),
    roles: z.array(RoleSchema),
    rights: z.array(RightSchema),
    /** Epoch ms: the ID token's expiry; the session ends with it. */
    expiresAt: z.number(),
    /** Epoch ms. */
    lastSeen: z.number(),
    /**
     * R5: the reason last stated, and the only children it covers — those the search it was stated for found, or
     * the one child it was given for. Any other child's page asks again.
     */
    reason: z
      .object({
        code: ReasonCodeSchema,
        text: z.string().max(200).optional(),
        childIds: z.array(z.string().max(20)).max(REASON_COVERS),
      })
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

/**
 * The console's cookie names. Over HTTPS they carry the `__Host-` prefix: the browser then accepts them only from
 * this host, Secure, for the whole site, so no sibling subdomain can plant a session or a sign-in state.
 */
export function cookieNames(secure: boolean) {
  const name = (base: string) => (secure ? `__Host-${base}` : base);
  return { session: name(SESSION_COOKIE), access: name(ACCESS_COOKIE), signIn: name(SIGN_IN_COOKIE) };
}

export class Sessions {
  private readonly names: ReturnType<typeof cookieNames>;

  constructor(
    private readonly sealer: CookieSealer,
    private readonly idleMinutes: number,
    private readonly secure: boolean,
  ) {
    this.names = cookieNames(secure);
  }

  /** The live session of a request: none if absent, tampered with, mixed from two sessions, expired or idle too long. */
  current(request: ConsoleRequest, now: number): Session | undefined {
    const stored = this.sealer.open(this.names.session, request.cookies[this.names.session], SessionSchema);
    const access = this.sealer.open(this.names.access, request.cookies[this.names.access], AccessSchema);
    if (!stored || !access || !tokensMatch(stored.sid, access.sid)) return undefined;
    const session: Session = { ...stored, accessToken: access.accessToken };
    if (now >= session.expiresAt) return undefined;
    if (now - session.lastSeen > this.idleMinutes * 60_000) return undefined;
    return session;
  }

  /** Whether the request carried a session that has since lapsed (to say so, rather than just ask to sign in). */
  lapsed(request: ConsoleRequest): boolean {
    const sealed = request.cookies[this.names.session];
    return sealed !== undefined && sealed !== '';
  }

  cookies(session: Session): string[] {
    const { accessToken, ...stored } = session;
    return [
      setCookie(this.names.session, this.sealer.seal(this.names.session, stored), { secure: this.secure }),
      setCookie(this.names.access, this.sealer.seal(this.names.access, { accessToken, sid: session.sid }), {
        secure: this.secure,
      }),
    ];
  }

  clear(): string[] {
    return [
      setCookie(this.names.session, '', { secure: this.secure, maxAge: 0 }),
      setCookie(this.names.access, '', { secure: this.secure, maxAge: 0 }),
      this.clearSignIn(),
    ];
  }

  clearSignIn(): string {
    return setCookie(this.names.signIn, '', { secure: this.secure, maxAge: 0 });
  }

  signInState(request: ConsoleRequest, now: number): SignInState | undefined {
    const state = this.sealer.open(this.names.signIn, request.cookies[this.names.signIn], SignInStateSchema);
    if (!state || now - state.startedAt > SIGN_IN_MINUTES * 60_000) return undefined;
    return state;
  }

  signInCookie(state: SignInState): string {
    return setCookie(this.names.signIn, this.sealer.seal(this.names.signIn, state), {
      secure: this.secure,
      maxAge: SIGN_IN_MINUTES * 60,
    });
  }
}
