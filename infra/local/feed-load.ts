import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { readFeedFile } from '#adapters/feeds/feed-file.ts';
import type { FeedName, RejectedRow } from '#domain/feeds/feed.ts';
import { validateRows } from '#domain/feeds/validate-rows.ts';
import {
  emptySummary,
  type FeedLinkageDependencies,
  type LinkSummary,
  linkFeedRecords,
} from '#domain/use-cases/link-feed-records.ts';

/** What a load did: counts, and every rejected row by line with its reasons (never its content). */
export interface FeedLoadReport {
  feed: FeedName;
  file: string;
  /** The file's SHA-256: a load is of these exact bytes. */
  fileHash: string;
  /** Rows read, valid or not. */
  rows: number;
  summary: LinkSummary;
  rejected: RejectedRow[];
  /** Chunks already done by an earlier, interrupted run of the same file. */
  resumedAfterChunks: number;
  seconds: number;
  /** Where the report was written, as JSON. */
  reportFile: string;
}

interface Checkpoint {
  fileHash: string;
  chunksDone: number;
  rows: number;
  summary: LinkSummary;
  rejected: RejectedRow[];
}

export interface FeedLoadOptions {
  /** Where checkpoints and reports are kept. */
  stateDir: string;
  chunkSize?: number;
  /** Rows linked at once within a chunk. */
  concurrency?: number;
  /** Called after each chunk with the rows done so far. */
  onProgress?: (progress: { rows: number; summary: LinkSummary; rejected: number }) => void;
  /** Asked before each chunk: false stops the load, keeping its checkpoint. */
  keepGoing?: () => boolean;
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function writeWhole(path: string, value: unknown): void {
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, JSON.stringify(value, null, 2), { mode: 0o600 });
  renameSync(next, path);
}

/**
 * Loads one feed file into the directory, as the AWS feed load does, chunk by chunk: each chunk's rows are
 * validated (a bad row is rejected with its line, the rest are read) and linked. A checkpoint is written after
 * every chunk, so an interrupted load resumes where it stopped; linking is idempotent, so a chunk done twice
 * changes nothing, and loading the same file again changes nothing at all. A header that does not name the
 * feed's columns refuses the file before any row is read.
 */
export async function loadFeedFile(
  deps: FeedLinkageDependencies,
  feed: FeedName,
  file: string,
  options: FeedLoadOptions,
): Promise<FeedLoadReport> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 500;
  const fileHash = await hashOf(file);
  const dir = join(options.stateDir, 'ingest');
  mkdirSync(dir, { recursive: true });
  const checkpointPath = join(dir, `${feed}-${fileHash.slice(0, 16)}.checkpoint.json`);
  const saved: Checkpoint | undefined = existsSync(checkpointPath)
    ? (JSON.parse(readFileSync(checkpointPath, 'utf8')) as Checkpoint)
    : undefined;
  const checkpoint: Checkpoint =
    saved?.fileHash === fileHash
      ? saved
      : { fileHash, chunksDone: 0, rows: 0, summary: emptySummary(), rejected: [] };
  const resumedAfterChunks = checkpoint.chunksDone;
  let chunkIndex = 0;
  let stopped = false;
  for await (const { header, lines } of readFeedFile(createReadStream(file), chunkSize)) {
    chunkIndex += 1;
    if (chunkIndex <= checkpoint.chunksDone) continue;
    if (options.keepGoing && !options.keepGoing()) {
      stopped = true;
      break;
    }
    const { records, rejected } = validateRows(feed, header, lines);
    const linked = await linkFeedRecords(deps, records, options.concurrency);
    for (const key of Object.keys(linked) as (keyof LinkSummary)[]) checkpoint.summary[key] += linked[key];
    checkpoint.rejected.push(...rejected);
    checkpoint.rows += lines.length;
    checkpoint.chunksDone = chunkIndex;
    writeWhole(checkpointPath, checkpoint);
    options.onProgress?.({
      rows: checkpoint.rows,
      summary: checkpoint.summary,
      rejected: checkpoint.rejected.length,
    });
  }
  const reportFile = join(dir, `${feed}-${fileHash.slice(0, 16)}.report.json`);
  const report: FeedLoadReport = {
    feed,
    file,
    fileHash,
    rows: checkpoint.rows,
    summary: checkpoint.summary,
    rejected: checkpoint.rejected.sort((a, b) => a.line - b.line),
    resumedAfterChunks,
    seconds: (Date.now() - started) / 1000,
    reportFile,
  };
  if (stopped) throw new FeedLoadStoppedError(checkpoint.rows);
  writeWhole(reportFile, report);
  rmSync(checkpointPath, { force: true });
  return report;
}

/** Stopped on request; the checkpoint is kept and the next run resumes. */
export class FeedLoadStoppedError extends Error {
  override name = 'FeedLoadStoppedError';
  constructor(readonly rowsDone: number) {
    super(`Stopped after ${rowsDone} rows; run the same command again to resume`);
  }
}
