import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidTokenError, UnauthenticatedError } from '#domain/errors.ts';
import { problemFor, problemResponse } from '#http/problem-details.ts';

const respond = (error: Error) => problemResponse(problemFor(error, 'req-unit'), error);

describe('401 challenges (RFC 6750)', () => {
  it('challenges a request with no bearer token with the realm alone', () => {
    const response = respond(new UnauthenticatedError('A bearer token is required'));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('Bearer realm="ContactPoint"');
  });

  it('adds error="invalid_token" when a token was presented and refused', () => {
    const response = respond(new InvalidTokenError('The bearer token is not valid'));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('Bearer realm="ContactPoint", error="invalid_token"');
    expect(JSON.parse(response.body)).toMatchObject({
      type: '/problems/unauthenticated',
      detail: 'The bearer token is not valid',
    });
  });

  it('still challenges a 401 built without its error', () => {
    const response = problemResponse(problemFor(new UnauthenticatedError('x')));
    expect(response.headers?.['www-authenticate']).toBe('Bearer realm="ContactPoint"');
  });

  it('sends no challenge with any other status', () => {
    expect(respond(new ForbiddenError('no')).headers).not.toHaveProperty('www-authenticate');
  });
});
