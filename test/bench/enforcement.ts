import { documentClient } from '#adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '#adapters/dynamo/directory-repository.ts';
import { PrincipalResolver } from '#http/principal.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { mean, percentile, table } from './stats.ts';

const CALLS = Number(process.env.BENCH_ENFORCEMENT_CALLS ?? 500);

/**
 * R4 enforcement cost per request: the principal resolver (account and organisation from the registry,
 * every prerequisite checked) against DynamoDB Local — with no cache (every request reads both) and with
 * the 30-second cache the deployed functions use (reads only when an entry has expired).
 */
export async function enforcement(log: (message: string) => void): Promise<string> {
  const stack = await startLocalStack({ port: 0, seedCount: 0 });
  try {
    const directory = new DynamoDirectoryRepository(
      documentClient('eu-west-2', stack.dynamo.endpoint),
      stack.tables,
    );
    const users = stack.state.users;
    // As the Cognito authorizer passes them: the subject and the organisation claim.
    const accounts = await Promise.all(users.map((u) => directory.getAccount(u.userId)));
    const claimsOf = (i: number) => {
      const account = accounts[i % accounts.length];
      return { sub: account?.userId, 'custom:organisationId': account?.organisationId };
    };
    const rows: (string | number)[][] = [['enforcement', 'requests', 'p50 ms', 'p99 ms', 'mean ms']];
    for (const [label, cacheSeconds] of [
      ['cold: no cache, 2 registry reads in parallel', 0],
      ['warm: 30-second cache (as deployed)', 30],
    ] as const) {
      const resolver = new PrincipalResolver(directory, cacheSeconds);
      for (let i = 0; i < users.length * 3; i++) await resolver.resolve(claimsOf(i)); // warm-up (and fill the cache)
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        await resolver.resolve(claimsOf(i));
        samples.push(performance.now() - started);
      }
      rows.push([
        label,
        CALLS,
        percentile(samples, 50).toFixed(3),
        percentile(samples, 99).toFixed(3),
        mean(samples).toFixed(3),
      ]);
      log(`timed ${label}`);
    }
    return [
      `R4 enforcement added to every request (${users.length} accounts, DynamoDB Local; ${CALLS} requests each)`,
      table(rows),
    ].join('\n');
  } finally {
    await stack.stop();
  }
}
