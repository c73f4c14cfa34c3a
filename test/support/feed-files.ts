import { Readable } from 'node:stream';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';

/** A valid births row, cells by column; `overrides` changes some of them. */
export function birthsRow(n: number, overrides: Record<string, string> = {}): string[] {
  const row: Record<string, string> = {
    registration_id: `REG${String(n).padStart(7, '0')}`,
    extract_date: '2026-11-30',
    given_names: 'Ada',
    family_name: 'Lovelace',
    sex: 'F',
    date_of_birth: '2026-11-01',
    place_of_birth: '',
    mother_given_names: '',
    mother_family_name: '',
    address_line1: '',
    address_line2: '',
    town: '',
    postcode: '',
    ...overrides,
  };
  return FEED_FORMATS.births.columns.map((c) => row[c] ?? '');
}

export const BIRTHS_HEADER = [...FEED_FORMATS.births.columns];

export function csv(rows: string[][]): string {
  return `${rows.map((r) => r.join(',')).join('\n')}\n`;
}

/** An S3 GetObject body as the SDK returns one in Node: a readable stream that can also give its text. */
export function s3Body(text: string): never {
  return Object.assign(Readable.from([Buffer.from(text)]), {
    transformToString: async () => text,
    transformToByteArray: async () => new Uint8Array(Buffer.from(text)),
  }) as never;
}
