import * as z from 'zod';
import { FEED_NAMES, type RejectedRow } from '#domain/feeds/feed.ts';
import type { LinkSummary } from '#domain/use-cases/link-feed-records.ts';
import { defineFunction } from '#functions/define-function.ts';

/**
 * The Distributed Map's worker (R8): validates one chunk's rows and links the valid ones into the
 * directory — the same child found and updated, or linked, or created, or left for a person to review.
 */
export const definition = defineFunction({
  name: 'link-feed-chunk',
  trigger: { kind: 'feed-load', step: 'link', description: 'Validate and link one chunk of a feed file' },
  // What the linkage (adapters/feed-linkage.ts) reads and writes: a child's record, key items and claims (a claim
  // held by another child is checked in the transaction, not written); its audit event; the review queue.
  access: {
    children: ['GetItem', 'Query', 'PutItem', 'DeleteItem', 'ConditionCheckItem'],
    audit: ['PutItem'],
    reviews: ['PutItem', 'GetItem', 'Query'],
  },
  settings: ['adapters', 'searchKeys', 'matching', 'feeds', 'reviews', 'linkage'],
  timeoutSeconds: 300,
});

/** The Distributed Map's item: one chunk's key, from the load's manifest. */
export const LinkInputSchema = z.object({ chunkKey: z.string().min(1) }).strict();
export type LinkInput = z.input<typeof LinkInputSchema>;

/** A chunk as split-feed-file wrote it. */
export const ChunkSchema = z
  .object({
    feed: z.enum(FEED_NAMES),
    header: z.array(z.string()),
    lines: z.array(z.object({ line: z.number().int().min(1), cells: z.array(z.string()) }).strict()),
  })
  .strict();

export interface LinkOutput {
  chunkKey: string;
  rows: number;
  summary: LinkSummary;
  /** Rows refused, by line and why (never a value); kept apart under rejectsKey when too many to return. */
  rejected: RejectedRow[];
  rejectsKey?: string;
}
