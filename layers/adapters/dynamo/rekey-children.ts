import { timingSafeEqual } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ChildRecord } from '#domain/child/record.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { BlockingKeyHasher } from '../keys/blocking-key-hasher.ts';
import { DynamoChildRepository } from './child-repository.ts';
import { isTransactionConflict } from './errors.ts';
import { keys } from './keys.ts';
import { CHILD_RECORD_SK } from './tables.ts';

/**
 * The re-keying migration: after the blocking-key secret gains a new current key, every child's key items
 * and identifier claims are rewritten under it, record by record (DynamoChildRepository.rekey), by a
 * parallel-segment Scan of the record items. It runs a page at a time and hands back a cursor, so it can
 * stop at any page and resume there: the Step Functions job (functions/rekey-children) and the local
 * runner (`npm run search:rekey`) both drive this one module.
 *
 * Two passes: `rekey` rewrites every record not yet under the current generation; `check` then counts the
 * records still under another one (written meanwhile by a function that had not yet reloaded the secret),
 * which the summary reports as remaining. Nothing here logs or returns a child's data: counts only.
 *
 * It is also the backfill of the R7 retention index: a record under the current generation whose item has no
 * leaving day (stored before the index existed) has its day written, and the check pass counts such records as
 * remaining. Running the migration with no new key does only that.
 *
 * A cursor from outside (the job's input, the local checkpoint) is not trusted: `resume` validates it
 * strictly. The cursors a run hands out are sealed (an HMAC under the current blocking key); a sealed one
 * resumes as it was, and an altered one is refused. An unsealed cursor in the check pass restarts the check
 * from the beginning with `remaining` at 0. So `remaining` is only ever the count of a complete check pass
 * the job made itself; an unsealed rekey-pass cursor can at most skip re-keying, which the check reports.
 */
export interface RekeyCounts {
  /**
   * Records rewritten under the current generation, or put in the retention index (R7) when they were stored
   * before it existed: the migration is also the index's backfill.
   */
  rekeyed: number;
  /** Records found already under it (written since the key changed, or by an earlier run). */
  alreadyCurrent: number;
  /** Re-keyings that lost to a change of the record meanwhile, re-read and tried again. */
  retried: number;
  /** Records deleted between the scan and their re-keying. */
  gone: number;
  /** From the check pass: records still under an older generation, or with no leaving day. Known once `done`. */
  remaining: number;
}

/** Where one segment of the scan stands: its next page's start, or finished. */
export type SegmentPosition = { done: false; startKey?: Record<string, unknown> } | { done: true };

/** Everything a later run needs to carry on: plain JSON, kept in a checkpoint file or a state machine's state. */
export interface RekeyCursor {
  /** The generation this run re-keys to; a cursor from a run to another generation is refused. */
  generation: string;
  pass: 'rekey' | 'check';
  segments: SegmentPosition[];
  counts: RekeyCounts;
  /**
   * The run's seal on the cursors it hands out: an HMAC of the rest under the current blocking key (which only
   * the job's role and the key administrator can read). A cursor with a valid seal is resumed as it is, check
   * pass included; one without is resumed only as far as it cannot mislead (see `resume`).
   */
  mac?: string;
}

/**
 * A scan position: the key of any item of the children table — a record, a blocking-key item, a claim, a feed
 * row's link or state — for a scan stops at whatever item its page ended on, filtered out or not.
 */
const ChildrenTableKeySchema = z
  .object({
    childId: z.string().min(1).max(1024),
    sk: z.string().max(1024).refine(keys.isChildrenTableSortKey, {
      message: 'not a children-table sort key',
    }),
  })
  .strict();
const SegmentPositionSchema = z.union([
  z.object({ done: z.literal(false), startKey: ChildrenTableKeySchema.optional() }).strict(),
  z.object({ done: z.literal(true) }).strict(),
]);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const RekeyCursorSchema = z
  .object({
    generation: z.string().min(1).max(64),
    pass: z.enum(['rekey', 'check']),
    segments: z.array(SegmentPositionSchema).min(1).max(64),
    counts: z
      .object({ rekeyed: count, alreadyCurrent: count, retried: count, gone: count, remaining: count })
      .strict(),
    mac: z
      .string()
      .regex(/^[A-Za-z0-9_-]{22}$/)
      .optional(),
  })
  .strict();

/** A cursor given to a run that is not one: malformed, for another generation or another number of segments. */
export class InvalidRekeyCursorError extends Error {
  override readonly name = 'InvalidRekeyCursorError';
}

export interface RekeyOptions {
  /** Parallel scan segments (DynamoDB's TotalSegments); one page of each is read at a time. */
  totalSegments?: number;
  /**
   * Items a page of the rekey pass evaluates (before the record-items filter). The check pass only counts,
   * so its pages are DynamoDB's largest (1 MB): a check given from outside restarts, so it must fit one run.
   */
  pageSize?: number;
  /** Re-keyings of one record before giving up; each failure re-reads the record first. */
  maxAttempts?: number;
  /** Records of a page re-keyed at once. */
  concurrency?: number;
}

/** A record could not be re-keyed: the run stops with its cursor at the page before, never skipping it. */
export class RekeyFailedError extends Error {
  override readonly name = 'RekeyFailedError';
}

const DEFAULTS = { totalSegments: 4, pageSize: 100, maxAttempts: 5, concurrency: 8 } as const;

type StoredRecord = ChildRecord & { keyGeneration?: string };
type Outcome = 'rekeyed' | 'alreadyCurrent' | 'gone';

export class ChildRekeying {
  private readonly children: DynamoChildRepository;
  private readonly options: Required<RekeyOptions>;
  /** The cursors this run made (frozen): the only ones `nextPage` takes. */
  private readonly issued = new WeakSet<RekeyCursor>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { children: string; audit: string },
    private readonly hasher: () => Promise<BlockingKeyHasher>,
    options: RekeyOptions = {},
  ) {
    this.children = new DynamoChildRepository(db, tables, hasher);
    this.options = { ...DEFAULTS, ...options };
  }

  /** The cursor of a run that has not started. */
  async start(): Promise<RekeyCursor> {
    const { generation } = await this.hasher();
    return this.issue({
      generation,
      pass: 'rekey',
      segments: Array.from({ length: this.options.totalSegments }, () => ({ done: false })),
      counts: { rekeyed: 0, alreadyCurrent: 0, retried: 0, gone: 0, remaining: 0 },
    });
  }

  /**
   * The place to carry on from a cursor given from outside (a job's input, a checkpoint file), which is not
   * trusted: it must be exactly a cursor's shape, for the current generation and this run's number of
   * segments (another number would change the scan's segments mid-scan and skip records). A sealed cursor
   * (`seal`) must carry the seal of exactly its fields under the current key, and then resumes as it is. An
   * unsealed one in the check pass restarts the check from the beginning, its `remaining` at 0 (the check is
   * read-only and cheap), so `remaining` never comes from input. A rekey-pass cursor's `remaining` must be 0.
   */
  async resume(input: unknown): Promise<RekeyCursor> {
    const parsed = RekeyCursorSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidRekeyCursorError(
        `The cursor is not a re-keying cursor: ${z.prettifyError(parsed.error)}`,
        {
          cause: parsed.error,
        },
      );
    const cursor = parsed.data as RekeyCursor;
    await this.checkFits(cursor);
    if (cursor.pass === 'rekey' && cursor.counts.remaining !== 0)
      throw new InvalidRekeyCursorError('A cursor of the rekey pass cannot carry a remaining count');
    if (cursor.mac !== undefined) {
      const expected = Buffer.from(await this.macOf(cursor));
      const given = Buffer.from(cursor.mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new InvalidRekeyCursorError('The cursor was not made by this job, or was changed since');
      return this.issue(cursor);
    }
    if (cursor.pass === 'check') return this.checkFromStart(cursor.counts);
    return this.issue(cursor);
  }

  /** The cursor with the run's seal, for handing out (a job's output, a checkpoint). */
  async seal(cursor: RekeyCursor): Promise<RekeyCursor> {
    if (!this.issued.has(cursor)) throw new InvalidRekeyCursorError('Only a cursor this run made is sealed');
    return this.issue({ ...unsealed(cursor), mac: await this.macOf(cursor) });
  }

  /** The seal of a cursor: an HMAC under the current key of its fields in one fixed order, the seal left out. */
  private async macOf(cursor: RekeyCursor): Promise<string> {
    const { generation, pass, segments, counts } = cursor;
    const canonical = {
      generation,
      pass,
      segments: segments.map((s) =>
        s.done
          ? { done: true }
          : s.startKey
            ? { done: false, startKey: { childId: s.startKey.childId, sk: s.startKey.sk } }
            : { done: false },
      ),
      counts: {
        rekeyed: counts.rekeyed,
        alreadyCurrent: counts.alreadyCurrent,
        retried: counts.retried,
        gone: counts.gone,
        remaining: counts.remaining,
      },
    };
    return (await this.hasher()).keyOf(`rekey-cursor#${JSON.stringify(canonical)}`);
  }

  /**
   * One page of every unfinished segment, then the cursor after it (a new object; the one given is not
   * changed). A failure leaves the given cursor as the place to resume. The cursor must come from `start`,
   * `resume` or an earlier `nextPage`; `run` takes any cursor through `resume` first.
   */
  async nextPage(cursor: RekeyCursor): Promise<RekeyCursor> {
    if (!this.issued.has(cursor))
      throw new InvalidRekeyCursorError('nextPage takes only a cursor this run made: pass others to resume');
    await this.checkFits(cursor);
    if (isDone(cursor)) return cursor;
    const counts = { ...cursor.counts };
    const segments = await Promise.all(
      cursor.segments.map((position, segment) =>
        position.done
          ? position
          : this.segmentPage(cursor.pass, segment, cursor.segments.length, position, counts),
      ),
    );
    if (cursor.pass === 'rekey' && segments.every((s) => s.done)) return this.checkFromStart(counts);
    return this.issue({ ...unsealed(cursor), counts, segments });
  }

  /** A check pass from the beginning of every segment, nothing yet counted as remaining. */
  private async checkFromStart(counts: RekeyCounts): Promise<RekeyCursor> {
    const { generation } = await this.hasher();
    return this.issue({
      generation,
      pass: 'check',
      segments: Array.from({ length: this.options.totalSegments }, () => ({ done: false })),
      counts: { ...counts, remaining: 0 },
    });
  }

  /** Freezes a cursor this run made (so no caller can turn it into another) and remembers it. */
  private issue(cursor: RekeyCursor): RekeyCursor {
    for (const position of cursor.segments) {
      if (!position.done && position.startKey) Object.freeze(position.startKey);
      Object.freeze(position);
    }
    Object.freeze(cursor.segments);
    Object.freeze(cursor.counts);
    this.issued.add(Object.freeze(cursor));
    return cursor;
  }

  /** Refuses a cursor for another generation of the secret, or for another number of scan segments. */
  private async checkFits(cursor: RekeyCursor): Promise<void> {
    const { generation } = await this.hasher();
    if (cursor.generation !== generation)
      throw new InvalidRekeyCursorError(
        `The cursor re-keys to ${cursor.generation} but the current generation is ${generation}: start again`,
      );
    if (cursor.segments.length !== this.options.totalSegments)
      throw new InvalidRekeyCursorError(
        `The cursor has ${cursor.segments.length} segments but this run scans ${this.options.totalSegments}`,
      );
  }

  /**
   * From a cursor given from outside (validated by `resume`; none: the start), pages until the run is done
   * or `keepGoing` says stop (checked before each page), reporting each cursor as it is reached — where a
   * caller writes its checkpoint. The cursors it reports and returns are sealed.
   */
  async run(
    cursor: unknown,
    options: { keepGoing?: () => boolean; onPage?: (cursor: RekeyCursor) => void | Promise<void> } = {},
  ): Promise<RekeyCursor> {
    let at = cursor === undefined ? await this.start() : await this.resume(cursor);
    while (!isDone(at) && (options.keepGoing?.() ?? true)) {
      at = await this.seal(await this.nextPage(at));
      await options.onPage?.(at);
    }
    return this.seal(at);
  }

  /** How many record items the table holds now: the denominator of the local runner's progress. */
  async countRecords(): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tables.children,
          Select: 'COUNT',
          FilterExpression: 'sk = :record',
          ExpressionAttributeValues: { ':record': CHILD_RECORD_SK },
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  private async segmentPage(
    pass: RekeyCursor['pass'],
    segment: number,
    totalSegments: number,
    position: { startKey?: Record<string, unknown> },
    counts: RekeyCounts,
  ): Promise<SegmentPosition> {
    const { generation } = await this.hasher();
    const page = await this.db.send(
      new ScanCommand({
        TableName: this.tables.children,
        Segment: segment,
        TotalSegments: totalSegments,
        ...(pass === 'rekey' && { Limit: this.options.pageSize }),
        ExclusiveStartKey: position.startKey,
        ...(pass === 'rekey'
          ? {
              FilterExpression: 'sk = :record',
              ExpressionAttributeValues: { ':record': CHILD_RECORD_SK },
            }
          : {
              Select: 'COUNT',
              // R7: a record with no leaving day in the retention index is not done either (the backfill).
              FilterExpression:
                'sk = :record AND (attribute_not_exists(keyGeneration) OR keyGeneration <> :generation OR attribute_not_exists(retentionDay))',
              ExpressionAttributeValues: { ':record': CHILD_RECORD_SK, ':generation': generation },
            }),
      }),
    );
    if (pass === 'rekey') {
      const records = (page.Items ?? []) as StoredRecord[];
      for (let i = 0; i < records.length; i += this.options.concurrency) {
        const outcomes = await Promise.all(
          records.slice(i, i + this.options.concurrency).map((r) => this.rekeyOne(r, counts)),
        );
        for (const outcome of outcomes) counts[outcome]++;
      }
    } else {
      counts.remaining += page.Count ?? 0;
    }
    return page.LastEvaluatedKey ? { done: false, startKey: page.LastEvaluatedKey } : { done: true };
  }

  /** Re-keys one record; a record changed meanwhile is read again and re-keyed as it now is. */
  private async rekeyOne(scanned: StoredRecord, counts: RekeyCounts): Promise<Outcome> {
    let record = scanned;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.children.rekey(record)) ? 'rekeyed' : 'alreadyCurrent';
      } catch (error) {
        const lostRace = error instanceof PreconditionFailedError || isTransactionConflict(error);
        if (!lostRace) throw error;
        if (attempt >= this.options.maxAttempts)
          throw new RekeyFailedError(
            `A record could not be re-keyed in ${attempt} attempts: it kept changing, or an identifier claim belongs to another record`,
            { cause: error },
          );
        counts.retried++;
        const reread = await this.read(record.childId);
        if (!reread) return 'gone';
        record = reread;
      }
    }
  }

  private async read(childId: string): Promise<StoredRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.childRecord(childId),
        ConsistentRead: true,
      }),
    );
    return Item as StoredRecord | undefined;
  }
}

/** The cursor without its seal. */
function unsealed(cursor: RekeyCursor): RekeyCursor {
  const { mac: _mac, ...rest } = cursor;
  return rest;
}

/** Both passes finished: the counts are final. */
export function isDone(cursor: RekeyCursor): boolean {
  return cursor.pass === 'check' && cursor.segments.every((s) => s.done);
}
