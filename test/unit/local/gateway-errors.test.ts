import { createSign, generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTriggeredBy } from '#functions/define-function.ts';
import { FUNCTIONS } from '#functions/manifest.ts';
import { bearerToken } from '#infra/local/bearer-token.ts';
import { offendingHeader } from '#infra/local/client-error.ts';
import { createGateway } from '#infra/local/gateway.ts';

// Everything here talks to a gateway on loopback that this file starts; its issuer is never fetched.
const issuer = 'http://127.0.0.1:9/eu-west-2_unit';
const clientId = 'unit-client';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'unit', alg: 'RS256', use: 'sig' }] };

function idToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', kid: 'unit', typ: 'JWT' })}.${part({
    iss: issuer,
    aud: clientId,
    sub: 'user-nurse',
    token_use: 'id',
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

/** What `TOKEN=$(npm run token -- practitioner)` holds: npm's banner, then the token. */
const withBanner = (token: string) =>
  `\n> contactpoint@0.1.0 token\n> tsx infra/local/token.ts practitioner\n\n${token}`;

let gateway: Server;
let base: string;
let port: number;

beforeAll(async () => {
  gateway = createGateway({
    functions: FUNCTIONS.filter(isTriggeredBy('http')),
    identity: { issuer, clientId, jwks: jwks as unknown as Jwks },
    loadHandler: async () => async () => ({ statusCode: 200, headers: {}, body: '{"reached":true}' }),
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  port = (gateway.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
});

const viewPath = '/children/CP1234567890?reason=SAFEGUARDING';

async function get(authorization?: string) {
  const reply = await fetch(`${base}${viewPath}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return {
    status: reply.status,
    headers: reply.headers,
    problem: (await reply.json()) as Record<string, unknown>,
  };
}

/** Bytes `fetch` would refuse to send (a header value with a line break), as curl sends them. */
async function raw(request: string) {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, problem: body ? JSON.parse(body) : undefined };
}

const curlRequest = (headerLine: string) =>
  `GET ${viewPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\nAccept: */*\r\n${headerLine}\r\n\r\n`;

describe('the local gateway’s 401s', () => {
  it('lets a valid ID token through to the handler', async () => {
    const reply = await fetch(`${base}${viewPath}`, { headers: { authorization: `Bearer ${idToken()}` } });
    expect(reply.status).toBe(200);
  });

  it('challenges a request with no token, and says how to get one', async () => {
    const { status, headers, problem } = await get();
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="ContactPoint"');
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(problem.detail).toContain('npm run -s token');
  });

  it('says npm’s banner is in the Authorization header when it was joined onto one line', async () => {
    const token = idToken();
    const { status, headers, problem } = await get(`Bearer ${withBanner(token).replace(/\s+/g, ' ')}`);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="ContactPoint", error="invalid_token"');
    expect(problem.detail).toContain('one token and nothing else');
    expect(problem.detail).toContain('npm run -s token');
    expect(JSON.stringify(problem)).not.toContain(token);
  });

  it('asks for one token and nothing else when there is more than one word after Bearer', async () => {
    const { status, problem } = await get('Bearer abc def');
    expect(status).toBe(401);
    expect(problem.detail).toBe(
      'The Authorization header must be `Bearer <token>`, with one token and nothing else.',
    );
  });

  it('says to put Bearer before a token sent without it', async () => {
    const { status, headers, problem } = await get(idToken());
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(problem.detail).toContain('put `Bearer ` before the token');
  });

  it('refuses a token that does not verify with invalid_token', async () => {
    const { status, headers, problem } = await get('Bearer not-a-token');
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="ContactPoint", error="invalid_token"');
    expect(problem.detail).toBe('The bearer token is not valid');
  });

  it('says an expired token has expired and how to get another', async () => {
    const expired = idToken({ iat: 1_700_000_000, exp: 1_700_003_600 });
    const { status, problem } = await get(`Bearer ${expired}`);
    expect(status).toBe(401);
    expect(problem.detail).toContain('has expired');
    expect(problem.detail).toContain('npm run -s token');
  });
});

describe('requests Node’s HTTP parser refuses', () => {
  it('answers a line break in the Authorization header with a 401 problem, not an empty 400', async () => {
    const token = idToken();
    const reply = await raw(curlRequest(`Authorization: Bearer ${withBanner(token)}`));
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="ContactPoint", error="invalid_token"');
    expect(reply.headers['x-request-id']).toBeDefined();
    expect(reply.problem.detail).toContain('line break');
    expect(reply.problem.detail).toContain('npm run -s token');
    expect(JSON.stringify(reply.problem)).not.toContain(token);
  });

  it('answers a token split across two header lines with 401 too', async () => {
    const reply = await raw(curlRequest('Authorization: Bearer abc\r\ndef'));
    expect(reply.status).toBe(401);
    expect(reply.problem.type).toBe('/problems/unauthenticated');
  });

  it('answers a line break in another header with a 400 problem naming that header', async () => {
    const reply = await raw(curlRequest(`Authorization: Bearer ${idToken()}\r\nX-Case-Ref: abc\ndef`));
    expect(reply.status).toBe(400);
    expect(reply.headers).not.toHaveProperty('www-authenticate');
    expect(reply.problem.errors).toEqual([
      { field: 'X-Case-Ref', message: expect.stringContaining('line break') },
    ]);
  });

  it('answers a request that is not HTTP at all with a 400 problem', async () => {
    const reply = await raw('HELLO\r\n\r\n');
    expect(reply.status).toBe(400);
    expect(reply.problem.type).toBe('/problems/validation-error');
  });
});

describe('reading the Authorization header', () => {
  it('accepts one token after Bearer, in any case, with any spacing', () => {
    expect(bearerToken('bearer   a.b.c')).toBe('a.b.c');
  });

  it('finds the header a parser error stopped in, or the one a broken value ran on from', () => {
    const packet = (text: string) => Buffer.from(text, 'latin1');
    const request = 'GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \n> npm banner';
    expect(offendingHeader(packet(request), request.indexOf('\n>'))?.name).toBe('Authorization');
    const runOn = 'GET / HTTP/1.1\r\nAuthorization: Bearer a\r\nb\r\n';
    expect(offendingHeader(packet(runOn), runOn.lastIndexOf('b') + 1)?.name).toBe('Authorization');
    expect(offendingHeader(packet('GET / HTTP/1.1\nHost: x'), 14)).toBeUndefined();
  });
});

describe('the local gateway’s malformed paths', () => {
  it('answers a path parameter with malformed percent-encoding 400 problem+json naming it, never 500', async () => {
    const reply = await fetch(`${base}/account-changes/%ff/refusal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${idToken()}` },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(await reply.json()).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ field: 'changeId', message: 'is not valid percent-encoding' }],
    });
  });
});
