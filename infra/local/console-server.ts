import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { consoleAssets, contentTypeOf } from '#console/assets.ts';
import { answerClientError } from './client-error.ts';

type WebHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** As Lambda's own payload limit: a larger request never reaches the function (which refuses forms over 64 KiB). */
const BODY_LIMIT_BYTES = 6 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<{ body: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return { body: '', tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

/**
 * The local stand-in for CloudFront in front of the console: `/assets/*` from the files the assets bucket
 * holds in AWS, everything else as a function-URL event to the very handler Lambda runs.
 */
export function createConsoleServer(options: { loadHandler: () => Promise<WebHandler> }): Server {
  const assets = new Map(
    consoleAssets().map((a) => [`/assets/${a.key}`, { file: a.file, type: contentTypeOf(a.key) }]),
  );
  const cache = new Map<string, Buffer>();
  let handler: Promise<WebHandler> | undefined;

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asset = assets.get(url.pathname);
    if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
      let content = cache.get(asset.file);
      if (!content) {
        content = readFileSync(asset.file);
        cache.set(asset.file, content);
      }
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : content);
      return;
    }
    (async () => {
      const { body, tooLarge } = await readBody(req);
      if (tooLarge) {
        res.writeHead(413, { 'content-type': 'text/plain' });
        res.end('Request too large');
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      const requestId = randomUUID();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers,
        ...(headers.cookie && { cookies: headers.cookie.split(/;\s*/) }),
        body,
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: url.host,
          domainPrefix: 'local',
          http: {
            method: req.method ?? 'GET',
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: req.socket.remoteAddress ?? 'unknown',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId,
          routeKey: '$default',
          stage: '$default',
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
        },
      };
      handler ??= options.loadHandler();
      const result = await (await handler)(event, {
        awsRequestId: requestId,
        functionName: 'serve-console',
      } as Context);
      res.statusCode = result.statusCode ?? 200;
      for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, String(v));
      if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
      res.setHeader('x-request-id', requestId);
      res.end(result.body ?? '');
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('The console failed to answer');
    });
  }).on('clientError', answerClientError);
}
