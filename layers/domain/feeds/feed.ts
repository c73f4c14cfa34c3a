import type { Address, Education, Gender, GpPractice, OtherName } from '../child/schema.ts';

/**
 * The four national sources a child record is built from (R8), modelled on the real extracts. Each row
 * describes one child as that source last knew it, on its extract date.
 */
export const FEED_NAMES = ['births', 'school-census', 'child-benefit', 'nhs-demographics'] as const;
export type FeedName = (typeof FEED_NAMES)[number];

/** Where a field of the best view came from: a feed, or a council's ContactPoint team by hand. */
export type SourceName = FeedName | 'council';

/** What a feed row says about a child, in the record's own terms (R1): nothing else is kept. */
export interface FeedFields {
  givenName?: string | undefined;
  familyName?: string | undefined;
  otherNames?: OtherName[] | undefined;
  gender?: Gender | undefined;
  dateOfBirth: string;
  nhsNumber?: string | undefined;
  upn?: string | undefined;
  address?: Address | undefined;
  education?: Education | undefined;
  gpPractice?: GpPractice | undefined;
}

/** One valid row of a feed file. */
export interface FeedRecord {
  feed: FeedName;
  /** The source's own reference for the child (registration, claim and child, UPN, NHS number). */
  sourceId: string;
  /** The date of the extract the row came from: what "more recent" means in the best view. */
  extractDate: string;
  /** 1-based line of the file, for the load report. */
  line: number;
  fields: FeedFields;
}

/** A row refused by validation: its line and why, never its content (it may be a child's details). */
export interface RejectedRow {
  line: number;
  reasons: string[];
}
