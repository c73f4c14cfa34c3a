import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidTokenError, ValidationError } from '#domain/errors.ts';
import { type ProblemDetails, problemFor, problemResponse } from '#http/problem-details.ts';
import { malformedAuthorizationDetail } from './bearer-token.ts';

/** What Node's HTTP parser attaches to the error it raises before any request reaches the gateway. */
interface ParserError extends Error {
  code?: string;
  /** The chunk being parsed when it stopped, and how far into it. */
  rawPacket?: Buffer;
  bytesParsed?: number;
}

const HEADER_NAME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,64})[ \t]*:/;

/**
 * The header whose line the parser stopped in, and that line's text. A line with no `name:` (a value that
 * ran onto the next line, e.g. a token with a line break in it) belongs to the header before it. Undefined
 * when the parser stopped in the request line or before any header, or the header began in an earlier chunk.
 */
export function offendingHeader(raw: Buffer, at: number): { name: string; text: string } | undefined {
  const packet = raw.toString('latin1');
  const stop = Math.max(0, Math.min(at, packet.length));
  const requestLineEnd = packet.indexOf('\r\n');
  if (requestLineEnd < 0 || stop <= requestLineEnd) return undefined;
  const lineAt = (start: number) => {
    const end = packet.indexOf('\r\n', start);
    return packet.slice(start, end < 0 ? packet.length : end);
  };
  const start = packet.lastIndexOf('\r\n', stop - 1) + 2;
  const line = lineAt(start);
  const named = HEADER_NAME.exec(line);
  if (named?.[1]) return { name: named[1], text: line };
  if (start <= requestLineEnd + 2) return undefined;
  const previousStart = packet.lastIndexOf('\r\n', start - 3) + 2;
  if (previousStart <= requestLineEnd) return undefined;
  const previous = lineAt(previousStart);
  const owner = HEADER_NAME.exec(previous);
  return owner?.[1] ? { name: owner[1], text: `${previous}\n${line}` } : undefined;
}

/** The problem for a request Node's parser refused: 401 if the bad bytes are in Authorization, else 400. */
export function clientErrorProblem(
  error: ParserError,
  requestId: string,
): { problem: ProblemDetails; error: unknown } {
  if (error.code === 'HPE_HEADER_OVERFLOW' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 408;
    const detail =
      status === 431
        ? 'The request’s headers are larger than the server accepts'
        : 'The request did not arrive in time';
    const problem = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
    return { problem: { ...problem, instance: `urn:request:${requestId}` }, error };
  }
  const header = error.rawPacket ? offendingHeader(error.rawPacket, error.bytesParsed ?? 0) : undefined;
  const refusal =
    header?.name.toLowerCase() === 'authorization'
      ? new InvalidTokenError(malformedAuthorizationDetail(header.text, true), { cause: error })
      : new ValidationError(
          [
            header
              ? {
                  field: header.name,
                  message: 'holds a line break or control character: a header is `Name: value` on one line',
                }
              : { field: 'request', message: 'is not a valid HTTP/1.1 request line and headers' },
          ],
          { cause: error },
        );
  return { problem: problemFor(refusal, requestId), error: refusal };
}

/**
 * The gateway server's `clientError` listener. Node's own answer to a request its parser refuses is an
 * empty 400; this answers with problem+json (and, for a 401, the WWW-Authenticate challenge) instead.
 */
export function answerClientError(error: ParserError, socket: Duplex): void {
  // Nothing to answer, or a response already under way that raw bytes would corrupt.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const { problem, error: cause } = clientErrorProblem(error, requestId);
  const response = problemResponse(problem, cause);
  const body = Buffer.from(response.body, 'utf8');
  const headers = {
    ...response.headers,
    'x-request-id': requestId,
    'content-length': body.length,
    connection: 'close',
  };
  const head = [
    `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
}
