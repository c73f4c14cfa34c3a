import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamo/client.ts';
import {
  ChildRekeying,
  isDone,
  type RekeyCounts,
  type RekeyCursor,
} from '#adapters/dynamo/rekey-children.ts';
import { blockingKeyHasherFrom } from '#adapters/keys/blocking-key-hasher.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';

/**
 * One leg of the re-keying migration (the deployed twin of `npm run search:rekey`): pages from the cursor
 * it is given (none: the start) until its remaining time is short, then returns where it stopped. The
 * state machine invokes it again with that cursor until `done`. Logs carry counts only.
 *
 * The cursor is input, so it is not trusted: ChildRekeying.resume refuses any that is not exactly a cursor of
 * this generation and number of segments, or whose seal (the job seals what it returns) does not match, and
 * restarts an unsealed check pass from the beginning, so `remaining` is always the count of a complete check
 * made by this job. The event's other fields (the last output's `done` and `counts`) are ignored.
 */
const config = readSettings('adapters');
const rekeying = new ChildRekeying(
  documentClient(config.AWS_REGION, config.DYNAMODB_ENDPOINT),
  { children: config.CHILDREN_TABLE, audit: config.AUDIT_TABLE },
  blockingKeyHasherFrom(),
);
/** Time kept back for one more page (a page of each segment) and the return. */
export const STOP_WHEN_LESS_THAN_MS = 120_000;

export interface RekeyJobInput {
  /** Validated by ChildRekeying.resume; none: start. */
  cursor?: unknown;
  /** The last output's, passed back by the state machine with its cursor: ignored. */
  done?: unknown;
  counts?: unknown;
}
export interface RekeyJobOutput {
  done: boolean;
  cursor: RekeyCursor;
  counts: RekeyCounts;
}

export const handler = middy<RekeyJobInput, RekeyJobOutput>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const cursor = await rekeying.run(event.cursor, {
      keepGoing: () => context.getRemainingTimeInMillis() > STOP_WHEN_LESS_THAN_MS,
    });
    const done = isDone(cursor);
    logger.info(done ? 're-keying finished' : 're-keying paused', {
      generation: cursor.generation,
      pass: cursor.pass,
      ...cursor.counts,
    });
    return { done, cursor, counts: cursor.counts };
  });
