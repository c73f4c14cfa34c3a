import * as z from 'zod';
import { FEED_NAMES } from '#domain/feeds/feed.ts';
import { defineFunction } from '#functions/define-function.ts';

/**
 * Last step of a feed load (R8): reads what the Distributed Map wrote of every chunk's linking, sums it and
 * writes the load's report (loads/<loadId>/report.json); logs and metrics carry counts only.
 */
export const definition = defineFunction({
  name: 'report-feed-load',
  trigger: { kind: 'feed-load', step: 'report', description: 'Write the report of a feed load' },
  access: {},
  settings: ['feeds'],
  timeoutSeconds: 300,
});

/**
 * The state after the Distributed Map: split-feed-file's output (a file it did not refuse), and where the map
 * run wrote its results (Step Functions' own shape, so not strict).
 */
export const ReportInputSchema = z
  .object({
    loadId: z.string().min(1),
    feed: z.enum(FEED_NAMES),
    source: z.object({ key: z.string().min(1), versionId: z.string().min(1).optional() }).strict(),
    refused: z.literal(false),
    reportKey: z.string().min(1),
    manifestKey: z.string().min(1),
    resultsPrefix: z.string().min(1),
    rows: z.number().int().min(0),
    chunks: z.number().int().min(0),
    results: z.object({
      MapRunArn: z.string().optional(),
      ResultWriterDetails: z.object({ Bucket: z.string().min(1), Key: z.string().min(1) }),
    }),
  })
  .strict();
export type ReportInput = z.input<typeof ReportInputSchema>;

/** The map run's manifest (ResultWriter, Step Functions' shape): its result files, by their executions' status. */
export const ResultManifestSchema = z.object({
  ResultFiles: z.object({
    SUCCEEDED: z.array(z.object({ Key: z.string().min(1) })).default([]),
    FAILED: z.array(z.object({ Key: z.string().min(1) })).default([]),
    PENDING: z.array(z.object({ Key: z.string().min(1) })).default([]),
  }),
});

/** One child execution in a result file: its output is link-feed-chunk's, as a JSON string. */
export const ResultFileSchema = z.array(z.object({ Status: z.string(), Output: z.string().optional() }));

const CountSchema = z.number().int().min(0);
const RejectedRowSchema = z.object({ line: z.number().int().min(1), reasons: z.array(z.string()) }).strict();
/** What link-feed-chunk returned for one chunk. */
export const ChunkOutputSchema = z
  .object({
    chunkKey: z.string().min(1),
    rows: CountSchema,
    summary: z
      .object({
        rows: CountSchema,
        unchanged: CountSchema,
        updated: CountSchema,
        linked: CountSchema,
        created: CountSchema,
        queuedForReview: CountSchema,
      })
      .strict(),
    rejected: z.array(RejectedRowSchema),
    rejectsKey: z.string().min(1).optional(),
  })
  .strict();
export const RejectsSchema = z.array(RejectedRowSchema);

/** What the state machine's execution ends with: counts only. */
export interface ReportOutput {
  loadId: string;
  reportKey: string;
  chunks: number;
  rows: number;
  rejected: number;
  created: number;
  queuedForReview: number;
}
