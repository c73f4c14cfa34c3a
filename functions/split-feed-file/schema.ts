import * as z from 'zod';
import { defineFunction } from '#functions/define-function.ts';

/**
 * First step of a feed load (R8): streams the uploaded file, refuses it whole if its header is not the
 * feed's, and writes its rows in chunks with their line numbers, and the list of chunks the Distributed Map
 * reads. No table is touched.
 */
export const definition = defineFunction({
  name: 'split-feed-file',
  trigger: { kind: 'feed-load', step: 'split', description: 'Split an uploaded feed file into chunks' },
  access: {},
  settings: ['feeds'],
  // A national extract of a few million rows, streamed and written 500 rows at a time.
  timeoutSeconds: 900,
});

/**
 * S3's Object Created event as EventBridge delivers it: the state machine's input when a file lands. Not strict:
 * the event is AWS's, with fields this function does not read.
 */
const ObjectCreatedSchema = z.object({
  'detail-type': z.literal('Object Created'),
  source: z.literal('aws.s3'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      'version-id': z.string().min(1).optional(),
      etag: z.string().optional(),
    }),
  }),
});

/** What an operator starts the state machine with to load (or reload) a file already uploaded. */
const OperatorStartSchema = z
  .object({ key: z.string().min(1), versionId: z.string().min(1).optional() })
  .strict();

export const SplitInputSchema = z.union([ObjectCreatedSchema, OperatorStartSchema]);
export type SplitInput = z.input<typeof SplitInputSchema>;

export interface SplitOutput {
  loadId: string;
  feed: string | null;
  source: { key: string; versionId?: string | undefined };
  /** Refused: nothing was loaded; the report says why. */
  refused: boolean;
  /** For the Fail state when refused: names columns or a line, never a value. */
  reason?: string;
  reportKey: string;
  manifestKey: string;
  /** The Distributed Map writes its results under this prefix. */
  resultsPrefix: string;
  chunks: number;
  rows: number;
}
