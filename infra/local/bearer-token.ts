import { JwtExpiredError } from 'aws-jwt-verify/error';
import { InvalidTokenError, UnauthenticatedError } from '#domain/errors.ts';

/**
 * The local gateway's reading of `Authorization`, with refusals a newcomer can act on. The header's value is
 * never echoed back: it may hold a working token.
 */

const SHAPE = 'The Authorization header must be `Bearer <token>`';
const ONE_TOKEN = 'with one token and nothing else';
const BANNER_HINT = 'did `npm run token` print npm’s banner into it? Use `npm run -s token -- <role>`';

/** npm's banner (`> contactpoint@0.1.0 token`, `> tsx infra/local/token.ts …`) caught by `$(npm run token)`. */
export function looksLikeNpmBanner(value: string): boolean {
  return /(^|\s)>\s|\bnpm\b|\btsx\b|@\d+\.\d+\.\d+/.test(value);
}

/**
 * Why an Authorization value is refused when it holds more than one word after `Bearer`, or (`brokenLine`)
 * a line break or control character that stopped Node's HTTP parser.
 */
export function malformedAuthorizationDetail(value: string, brokenLine = false): string {
  const shape = brokenLine
    ? `The Authorization header holds a line break or control character: it must be \`Bearer <token>\` on one line, ${ONE_TOKEN}`
    : `${SHAPE}, ${ONE_TOKEN}`;
  return looksLikeNpmBanner(value) ? `${shape}; ${BANNER_HINT}` : `${shape}.`;
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** The token in `Authorization: Bearer <token>`, or the refusal that says what is wrong with the header. */
export function bearerToken(header: string | undefined): string {
  const value = (header ?? '').trim();
  if (value === '') {
    throw new UnauthenticatedError(
      'A bearer token is required: send `Authorization: Bearer <token>` (locally, `npm run -s token -- <role>` prints one)',
    );
  }
  const [scheme = '', ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== 'bearer') {
    if (rest.length === 0 && JWT.test(scheme))
      throw new InvalidTokenError(`${SHAPE}: put \`Bearer \` before the token`);
    throw new UnauthenticatedError(`${SHAPE}: ContactPoint accepts only the Bearer scheme`);
  }
  const [token, ...extra] = rest;
  if (token === undefined)
    throw new InvalidTokenError('The Authorization header has no token after `Bearer`');
  if (extra.length > 0) throw new InvalidTokenError(malformedAuthorizationDetail(value));
  return token;
}

const EXPIRED = 'The bearer token has expired: get a new one (locally, `npm run -s token -- <role>`)';

/** A token that failed verification: an expired one says how to get another; any other, only that it is refused. */
export function tokenRefusal(cause: unknown): InvalidTokenError {
  return new InvalidTokenError(cause instanceof JwtExpiredError ? EXPIRED : 'The bearer token is not valid', {
    cause,
  });
}
