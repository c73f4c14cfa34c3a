import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ConsoleRequest, type ConsoleResponse, parseCookies } from './http.ts';

/** No console form comes near this; a larger body is refused before it is parsed. */
const FORM_LIMIT_BYTES = 64 * 1024;

/** A function-URL (payload 2.0) event as the console's request. */
export function consoleRequestFrom(event: APIGatewayProxyEventV2): ConsoleRequest {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const method = event.requestContext.http.method.toUpperCase();
  let form = new URLSearchParams();
  let malformed: string | undefined;
  if (method === 'POST' && event.body) {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (Buffer.byteLength(text) > FORM_LIMIT_BYTES) malformed = 'form too large';
    else if (!(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      malformed = 'not a form';
    else form = new URLSearchParams(text);
  }
  return {
    method,
    path: event.rawPath || '/',
    query: new URLSearchParams(event.rawQueryString ?? ''),
    form,
    cookies: parseCookies([...(event.cookies ?? []), headers.cookie ?? ''].filter(Boolean).join('; ')),
    headers,
    sourceIp: event.requestContext.http.sourceIp,
    requestId: event.requestContext.requestId,
    ...(malformed && { malformed }),
  };
}

export function lambdaResultFrom(response: ConsoleResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: response.headers,
    cookies: response.cookies,
    body: response.body,
  };
}
