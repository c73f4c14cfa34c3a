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
export interface UserTokens {
  idToken: string;
  accessToken: string;
}

/** API route templates (`/children/{childId}/involvements`) that take an access token rather than an ID token. */
export function accessTokenRoutes(routes: readonly { method: string; path: string }[]) {
  const compiled = routes.map((r) => ({
    method: r.method,
    pattern: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
  }));
  return (method: string, path: string) => compiled.some((r) => r.method === method && r.pattern.test(path));
}

export class ApiClient {
  /** How many requests this client has sent: the console asks the API at least once for every page. */
  calls = 0;

  /**
   * @param takesAccessToken the routes that also serve machine clients take the user's access token, as API
   * Gateway's authorizer requires; every other route takes the ID token (it carries the user's claims).
   */
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: UserTokens,
    private readonly takesAccessToken: (method: string, path: string) => boolean,
    private readonly timeoutMs = 10_000,
  ) {}

  async call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
    this.calls += 1;
    const url = new URL(
      path.replace(/^\//, ''),
      this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
    );
    for (const [k, v] of Object.entries(request.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.takesAccessToken(method, url.pathname.slice(new URL(this.baseUrl).pathname.replace(/\/$/, '').length)) ? this.tokens.accessToken : this.tokens.idToken}`,
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
