import { ApiProblemError, ApiUnavailableError } from './api-client.ts';

export interface ErrorPage {
  status: 400 | 403 | 404 | 429 | 500 | 503;
  title: string;
  /** Sentences for the user; never an internal detail. */
  paragraphs: string[];
}

/** A form posted without its CSRF token, or from another site, or after its session ended. */
export class FormExpiredError extends Error {
  override readonly name = 'FormExpiredError';
}

/** A console path that names nothing, or a parameter that is not well formed. */
export class PageNotFoundError extends Error {
  override readonly name = 'PageNotFoundError';
}

/** A request the console itself refuses as malformed (a body too large, a bad form encoding). */
export class BadPageRequestError extends Error {
  override readonly name = 'BadPageRequestError';
}

/**
 * Every failure becomes one GOV.UK error page, here and nowhere else. The API's own words are shown for the
 * refusals it explains to its users (4xx: why an account cannot be used, why a request was refused); a 5xx
 * shows nothing of its cause.
 */
export function errorPageFor(error: unknown): ErrorPage {
  if (error instanceof FormExpiredError)
    return {
      status: 403,
      title: 'This form has expired',
      paragraphs: [
        'For your security, forms can only be sent once, from this service, while you are signed in.',
        'Go back, reload the page and try again.',
      ],
    };
  if (error instanceof PageNotFoundError)
    return {
      status: 404,
      title: 'Page not found',
      paragraphs: [
        'If you typed the web address, check it is correct.',
        'If you pasted the web address, check you copied the entire address.',
      ],
    };
  if (error instanceof BadPageRequestError)
    return {
      status: 400,
      title: 'There is a problem with your request',
      paragraphs: ['Go back and try again.'],
    };
  if (error instanceof ApiProblemError) {
    const said = [error.problem.detail].filter((d): d is string => Boolean(d) && error.status < 500);
    switch (error.status) {
      case 400:
      case 422:
        return {
          status: 400,
          title: 'There is a problem with your request',
          paragraphs: said.length ? said : ['Go back and try again.'],
        };
      case 403:
        return (
          accountRefusal(error.problem.detail) ?? {
            status: 403,
            title: 'You cannot do this',
            paragraphs: [
              ...said,
              'If you think you should be able to, contact your ContactPoint user administrator.',
            ],
          }
        );
      case 404:
        return {
          status: 404,
          title: 'Page not found',
          paragraphs: said.length ? said : ['The record or page you asked for does not exist.'],
        };
      case 409:
        return {
          status: 400,
          title: 'This cannot be done',
          paragraphs: [...(said.length ? said : ['The record is not in a state that allows this.'])],
        };
      case 412:
        return {
          status: 400,
          title: 'Someone else changed this first',
          paragraphs: [...said, 'Go back, reload the page to see their change, and try again.'],
        };
      case 429: {
        const wait = Number(error.retryAfter);
        return {
          status: 429,
          title: 'You have made too many requests',
          paragraphs: [
            Number.isFinite(wait) && wait > 0
              ? `You can try again in ${wait < 120 ? `${Math.ceil(wait)} seconds` : `${Math.ceil(wait / 60)} minutes`}.`
              : 'Try again later.',
            ...said,
          ],
        };
      }
      case 503:
        return serviceUnavailable();
      default:
        return error.status >= 500
          ? serviceUnavailable()
          : { status: 400, title: 'There is a problem with your request', paragraphs: said };
    }
  }
  if (error instanceof ApiUnavailableError) return serviceUnavailable();
  return {
    status: 500,
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later.'],
  };
}

/** What the API says when R4 refuses the account itself (suspended, vetting lapsed): "Access refused: …; … (R4)". */
const ACCOUNT_REFUSED = /^Access refused: (.+?)\s*\(R4\)\.?$/;
const ACCOUNT_STATES: Record<string, string> = {
  'the account is suspended': 'Your account has been suspended.',
  'the account is terminated': 'Your account has been closed.',
  'the account is pending': 'Your account has not been approved yet.',
};

/**
 * R4 re-checks the account on every request: a suspension (or a lapsed DBS check) refuses the very next page.
 * Say so plainly, in the account holder's terms, rather than "You cannot do this".
 */
function accountRefusal(detail: string | undefined): ErrorPage | undefined {
  const found = ACCOUNT_REFUSED.exec(detail ?? '');
  if (!found) return undefined;
  const reasons = (found[1] as string).split('; ').map((r) => {
    const said = ACCOUNT_STATES[r] ?? `${r.charAt(0).toUpperCase()}${r.slice(1)}.`;
    return said;
  });
  return {
    status: 403,
    title: 'Your account cannot be used',
    paragraphs: [...reasons, 'Contact your ContactPoint user administrator.'],
  };
}

function serviceUnavailable(): ErrorPage {
  return {
    status: 503,
    title: 'Sorry, the service is unavailable',
    paragraphs: [
      'Try again later. If you need to reach a practitioner urgently, use your organisation’s usual out-of-hours routes.',
    ],
  };
}
