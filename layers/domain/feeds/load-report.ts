import type { LinkSummary } from '../use-cases/link-feed-records.ts';
import type { FeedName, RejectedRow } from './feed.ts';

/** What linking one chunk of a feed file did: its rows, the linker's summary and the rows it refused. */
export interface ChunkResult {
  chunkKey: string;
  /** Rows in the chunk: linked (summary.rows) plus rejected. */
  rows: number;
  summary: LinkSummary;
  rejected: RejectedRow[];
}

/** The file a load read: its key in the feeds bucket and the version read. */
export interface FeedSource {
  key: string;
  versionId?: string | undefined;
}

/**
 * The report of one feed load (R8): counts and the refused rows by line, never a cell's value. A file is
 * refused whole (nothing loaded) when its layout cannot be read; otherwise every valid row is linked and
 * every invalid one listed with why.
 */
export type FeedLoadReport =
  | {
      loadId: string;
      feed: FeedName | null;
      source: FeedSource;
      outcome: 'refused';
      reasons: string[];
      rows: 0;
    }
  | {
      loadId: string;
      feed: FeedName;
      source: FeedSource;
      outcome: 'loaded';
      chunks: number;
      rows: number;
      rejected: number;
      linking: LinkSummary;
      rejects: RejectedRow[];
    };

export const NOTHING_LINKED: LinkSummary = {
  rows: 0,
  unchanged: 0,
  updated: 0,
  linked: 0,
  created: 0,
  queuedForReview: 0,
};

/** Adds linkers' summaries, field by field. */
export function addSummaries(a: LinkSummary, b: LinkSummary): LinkSummary {
  return {
    rows: a.rows + b.rows,
    unchanged: a.unchanged + b.unchanged,
    updated: a.updated + b.updated,
    linked: a.linked + b.linked,
    created: a.created + b.created,
    queuedForReview: a.queuedForReview + b.queuedForReview,
  };
}

/** The report of a load whose every chunk was linked: the chunks' counts summed, every reject by line. */
export function loadedReport(
  load: { loadId: string; feed: FeedName; source: FeedSource },
  results: readonly ChunkResult[],
): Extract<FeedLoadReport, { outcome: 'loaded' }> {
  const rejects = results.flatMap((r) => r.rejected).sort((a, b) => a.line - b.line);
  return {
    ...load,
    outcome: 'loaded',
    chunks: results.length,
    rows: results.reduce((n, r) => n + r.rows, 0),
    rejected: rejects.length,
    linking: results.reduce((sum, r) => addSummaries(sum, r.summary), NOTHING_LINKED),
    rejects,
  };
}
