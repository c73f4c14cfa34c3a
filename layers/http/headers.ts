import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Child data must never sit in a shared cache or be sniffed as another type. */
export const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...baseHeaders, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Header lookup regardless of case (clients and proxies differ). */
export function headerValue(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === lower && value !== undefined) return value;
  }
  return undefined;
}
