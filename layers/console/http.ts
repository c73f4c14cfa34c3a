/**
 * A request to the console and its answer, whatever carries them: a Lambda function-URL (payload 2.0)
 * event in AWS, Node's HTTP server locally. Pages see only these.
 */
/**
 * CloudFront adds this header, with a secret value, to every request it forwards; the function answers nothing
 * without it, so its URL cannot be used to go round CloudFront and the WAF.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export interface ConsoleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The decoded `application/x-www-form-urlencoded` body of a POST; empty otherwise. */
  form: URLSearchParams;
  cookies: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  sourceIp: string;
  requestId: string;
  /** Why the request could not be read (a body too large, not a form): answered with the 400 page. */
  malformed?: string;
}

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  /** Complete Set-Cookie values. */
  cookies: string[];
  body: string;
}

export function redirect(location: string, cookies: string[] = []): ConsoleResponse {
  return { status: 303, headers: { location }, cookies, body: '' };
}

/** Parses a Cookie header; a malformed pair is skipped, never thrown on. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Without it, the cookie lasts the browser session. */
  maxAge?: number;
  secure: boolean;
  path?: string;
}

/** Every console cookie is HttpOnly and SameSite=Lax (sent on a top-level link from an e-mail, never on a cross-site POST). */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  return parts.join('; ');
}
