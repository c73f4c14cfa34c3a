import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ValidationError } from '#domain/errors.ts';
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
  const verifier = JwtVerifier.create({
    issuer: options.identity.issuer,
    audience: options.identity.clientId,
    jwksUri: `${options.identity.issuer}/.well-known/jwks.json`,
  });
  verifier.cacheJwks(options.identity.jwks);
  const handlers = new Map<string, Promise<LambdaHandler>>();

  async function claimsFrom(req: IncomingMessage): Promise<Record<string, string>> {
    const token = bearerToken(req.headers.authorization);
    try {
      const payload = await verifier.verify(token);
      if (payload.token_use !== 'id') throw new Error('not an ID token');
      return authorizerClaims(payload as Record<string, unknown>);
    } catch (error) {
      throw tokenRefusal(error);
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
        const claims = hit.route.action === null ? undefined : await claimsFrom(req);
        const values = hit.pattern.exec(url.pathname)?.slice(1) ?? [];
        const pathParameters = Object.fromEntries(
          hit.paramNames.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]),
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
