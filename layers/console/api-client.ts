import * as z from 'zod';

/** RFC 9457 problem details as the API sends them. */
const ProblemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ApiProblem = z.infer<typeof ProblemSchema>;

/** The API refused or failed a request: its status and problem, for the page to explain. */
export class ApiProblemError extends Error {
  override readonly name = 'ApiProblemError';
  constructor(
    readonly status: number,
    readonly problem: ApiProblem,
    readonly retryAfter?: string,
  ) {
    super(`The API answered ${status} ${problem.title ?? ''}`.trim());
  }
}

/** The API could not be reached, or answered with something that is not JSON. */
export class ApiUnavailableError extends Error {
  override readonly name = 'ApiUnavailableError';
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  etag: string | undefined;
  contentType: string;
}

export interface ApiRequest {
  query?: Record<string, string | undefined>;
  body?: unknown;
  ifMatch?: string;
  idempotencyKey?: string;
  accept?: string;
}

/**
 * The console's only way into ContactPoint: the API, with the signed-in user's own ID token. Every rule is
 * enforced there, exactly as for any other client; the console never reads a table.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly idToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
    const url = new URL(
      path.replace(/^\//, ''),
      this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
    );
    for (const [k, v] of Object.entries(request.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.idToken}`,
      accept: request.accept ?? 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.ifMatch) headers['if-match'] = request.ifMatch;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new ApiUnavailableError('The API could not be reached', { cause: error });
    }
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    if (!response.ok) {
      let problem: ApiProblem = {};
      try {
        problem = ProblemSchema.parse(JSON.parse(text));
      } catch {
        // A gateway's own error page: the status alone is told.
      }
      throw new ApiProblemError(response.status, problem, response.headers.get('retry-after') ?? undefined);
    }
    let body: unknown = text;
    if (contentType.includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new ApiUnavailableError('The API answered with malformed JSON', { cause: error });
      }
    }
    return {
      status: response.status,
      body: body as T,
      etag: response.headers.get('etag') ?? undefined,
      contentType,
    };
  }

  get<T>(path: string, query?: ApiRequest['query']): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path, { query });
  }
}
