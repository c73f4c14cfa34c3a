import type { Role } from '#domain/access/principal.ts';
import { type LocalStack, startLocalStack } from '#infra/local/stack.ts';

/** The whole local stand-in, temporary, with a small synthetic population. */
export async function startTestStack(seedCount = 200): Promise<LocalStack> {
  return startLocalStack({ port: 0, seedCount });
}

export interface Client {
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc; the assertions check them
  json: () => any;
}

/** An HTTP client signed in as the seeded user of a role, as an integrator's code would be. */
export async function clientFor(stack: LocalStack, who: Role | string): Promise<Client> {
  const token = await stack.tokenFor(who);
  return {
    async call(method, path, options = {}) {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body !== undefined && {
          body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
        }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
    },
  };
}
