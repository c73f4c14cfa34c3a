import { describe, expect, it } from 'vitest';
import { ApiProblemError } from '#console/api-client.ts';
import { errorPageFor } from '#console/error-pages.ts';

const forbidden = (detail: string) =>
  new ApiProblemError(403, { type: '/problems/forbidden', title: 'Not permitted', status: 403, detail });

describe('the 403 page when R4 refuses the account itself', () => {
  it('tells a suspended user their account is suspended and whom to contact, without the rule number', () => {
    expect(errorPageFor(forbidden('Access refused: the account is suspended (R4)'))).toEqual({
      status: 403,
      title: 'Your account cannot be used',
      paragraphs: ['Your account has been suspended.', 'Contact your ContactPoint user administrator.'],
    });
  });

  it('names each lapsed prerequisite as a sentence', () => {
    const page = errorPageFor(
      forbidden(
        'Access refused: the enhanced DBS certificate is 3 or more years old; multi-factor authentication is not enrolled (R4)',
      ),
    );
    expect(page.title).toBe('Your account cannot be used');
    expect(page.paragraphs).toEqual([
      'The enhanced DBS certificate is 3 or more years old.',
      'Multi-factor authentication is not enrolled.',
      'Contact your ContactPoint user administrator.',
    ]);
  });

  it('keeps "You cannot do this" for a refusal of the action rather than the account', () => {
    const page = errorPageFor(forbidden('The practitioner role may not list accounts'));
    expect(page.title).toBe('You cannot do this');
    expect(page.paragraphs[0]).toBe('The practitioner role may not list accounts');
  });
});
