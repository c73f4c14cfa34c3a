import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routeScopes } from '#domain/access/permissions.ts';
import { ForbiddenError, InvalidTokenError, ValidationError } from '#domain/errors.ts';
import type { FunctionDefinition, HttpFunction } from '#functions/define-function.ts';
import { problemFor, problemResponse } from '#http/problem-details.ts';
import type { RouteDefinition } from '#http/route.ts';
import { bearerToken, tokenRefusal } from './bearer-token.ts';
import { answerClientError } from './client-error.ts';

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  /** The manifest's API functions: their routes, and the handler behind each. */
  functions: readonly HttpFunction[];
  /** Where the user pool's tokens come from, and its public keys (fetched once at start). */
  identity: { issuer: string; clientId: string; jwks: Jwks };
  /** Loads a function's handler the first time its route is called (a cold start). */
  loadHandler: (fn: FunctionDefinition) => Promise<LambdaHandler>;
}

interface CompiledRoute {
  fn: HttpFunction;
  route: RouteDefinition;
  pattern: RegExp;
  paramNames: string[];
}

function compile(fn: HttpFunction): CompiledRoute {
  const { route } = fn.trigger;
  const paramNames: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    paramNames.push(name);
    return '([^/]+)';
  });
  return { fn, route, pattern: new RegExp(`^${source}$`), paramNames };
}

/** The scopes the route at `method` `pathname` accepts in an access token; none means it takes ID tokens. */
export function scopesOfRequest(functions: readonly HttpFunction[], method: string, pathname: string) {
  const hit = functions.map(compile).find((c) => c.route.method === method && c.pattern.test(pathname));
  return hit ? routeScopes(hit.route.action) : [];
}

/** Claims as the Cognito authorizer hands them to Lambda: every value a string. */
function authorizerClaims(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}

async function readBody(req: IncomingMessage, limitBytes = 1_048_576): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new ValidationError([{ field: 'body', message: 'is larger than 1 MiB' }]);
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
}

function lambdaContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The local stand-in for API Gateway: the same routes, a Cognito-authorizer equivalent that verifies
 * the token's signature, issuer, audience and expiry against the pool's keys (never an unsigned
 * header), and REST-API proxy events handed to the very handlers Lambda would run.
 */
export function createGateway(options: GatewayOptions): Server {
  const compiled = options.functions.map(compile);
  // One verifier for both kinds of token (signature, issuer, expiry); which kind a route takes, and the
  // ID token's audience, are checked below, as API Gateway's Cognito authorizer does.
  const verifier = JwtVerifier.create({
    issuer: options.identity.issuer,
    audience: null,
    jwksUri: `${options.identity.issuer}/.well-known/jwks.json`,
  });
  verifier.cacheJwks(options.identity.jwks);
  const handlers = new Map<string, Promise<LambdaHandler>>();

  /**
   * A route without scopes takes an ID token of the app client; a route with scopes (routeScopes) takes
   * an access token of any client of the pool whose scope claim holds one of them.
   */
  async function claimsFrom(
    req: IncomingMessage,
    scopes: readonly string[],
  ): Promise<Record<string, string>> {
    const token = bearerToken(req.headers.authorization);
    let payload: Record<string, unknown>;
    try {
      payload = (await verifier.verify(token)) as Record<string, unknown>;
    } catch (error) {
      throw tokenRefusal(error);
    }
    if (scopes.length === 0) {
      if (payload.token_use !== 'id' || payload.aud !== options.identity.clientId)
        throw new InvalidTokenError('This route takes the ID token of a signed-in user');
    } else {
      if (payload.token_use !== 'access')
        throw new InvalidTokenError(
          `This route takes an access token carrying one of its scopes (${scopes.join(', ')}), not an ID token`,
        );
      const held = String(payload.scope ?? '').split(/\s+/);
      if (!scopes.some((scope) => held.includes(scope)))
        throw new ForbiddenError(
          `The access token carries none of this route’s scopes (${scopes.join(', ')})`,
        );
    }
    return authorizerClaims(payload);
  }

  /** A path parameter as API Gateway hands it over; malformed percent-encoding (`%ff`) is 400 naming it. */
  function decodedPathParameter(name: string, raw: string): string {
    try {
      return decodeURIComponent(raw);
    } catch (error) {
      throw new ValidationError([{ field: name, message: 'is not valid percent-encoding' }], {
        cause: error,
      });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let result: APIGatewayProxyResult;
    try {
      const candidates = compiled.filter((c) => c.pattern.test(url.pathname));
      const hit = candidates.find((c) => c.route.method === method);
      if (!hit) {
        result = problemResponse({
          type: '/problems/not-found',
          title: candidates.length ? 'Method not allowed' : 'Not found',
          status: candidates.length ? 405 : 404,
          detail: `${method} ${url.pathname} is not a ContactPoint route`,
        });
      } else {
        const claims =
          hit.route.action === null ? undefined : await claimsFrom(req, routeScopes(hit.route.action));
        const values = hit.pattern.exec(url.pathname)?.slice(1) ?? [];
        const pathParameters = Object.fromEntries(
          hit.paramNames.map((n, i) => [n, decodedPathParameter(n, values[i] ?? '')]),
        );
        const query = Object.fromEntries(url.searchParams.entries());
        const multiQuery: Record<string, string[]> = {};
        for (const k of url.searchParams.keys()) multiQuery[k] = url.searchParams.getAll(k);
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        const event: APIGatewayProxyEvent = {
          resource: hit.route.path,
          path: url.pathname,
          httpMethod: method,
          headers,
          multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
          queryStringParameters: url.searchParams.size ? query : null,
          multiValueQueryStringParameters: url.searchParams.size ? multiQuery : null,
          pathParameters: hit.paramNames.length ? pathParameters : null,
          stageVariables: null,
          body: await readBody(req),
          isBase64Encoded: false,
          requestContext: {
            accountId: '000000000000',
            apiId: 'local',
            authorizer: claims ? { claims } : null,
            protocol: 'HTTP/1.1',
            httpMethod: method,
            identity: {
              sourceIp: req.socket.remoteAddress ?? 'unknown',
            } as APIGatewayProxyEvent['requestContext']['identity'],
            path: url.pathname,
            stage: 'local',
            requestId,
            requestTimeEpoch: Date.now(),
            resourceId: 'local',
            resourcePath: hit.route.path,
          },
        };
        const name = hit.fn.name;
        if (!handlers.has(name)) handlers.set(name, options.loadHandler(hit.fn));
        const handler = await (handlers.get(name) as Promise<LambdaHandler>);
        result = await handler(event, lambdaContext(name, requestId));
      }
    } catch (error) {
      result = problemResponse(problemFor(error, requestId), error);
    }
    res.writeHead(result.statusCode, { ...result.headers, 'x-request-id': requestId } as Record<
      string,
      string
    >);
    res.end(result.body);
  }

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  }).on('clientError', answerClientError);
}
