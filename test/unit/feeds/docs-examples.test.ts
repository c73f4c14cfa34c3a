import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFeedFile } from '#adapters/feeds/feed-file.ts';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import { FEED_NAMES } from '#domain/feeds/feed.ts';
import { validateRows } from '#domain/feeds/validate-rows.ts';

describe('the feed pages in docs/feeds stay true to the columns', () => {
  it.each(FEED_NAMES)(
    'the %s page lists every column in order and its example is read without rejects',
    async (feed) => {
      const page = await readFile(new URL(`../../../docs/feeds/${feed}.md`, import.meta.url), 'utf8');
      const listed = [...page.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
      expect(listed).toEqual(FEED_FORMATS[feed].columns);
      const example = /```csv\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
      const chunks = [];
      for await (const chunk of readFeedFile(Readable.from([example]), 10)) chunks.push(chunk);
      const { records, rejected } = validateRows(
        feed,
        chunks[0]?.header ?? [],
        chunks.flatMap((c) => c.lines),
      );
      expect(rejected).toEqual([]);
      expect(records).toHaveLength(2);
    },
  );
});
