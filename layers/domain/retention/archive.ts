import type { ChildRecord } from '../child/record.ts';
import type { ContactRequest } from '../contact/request.ts';
import type { Involvement } from '../involvement/schema.ts';

/** A record and everything live that belongs to it: what leaves the directory together (R7). */
export interface LiveHoldings {
  record: ChildRecord;
  involvements: Involvement[];
  contactRequests: ContactRequest[];
}

/** Which rule made a record leave (R7). */
export type LeavingRule = 'age-18' | 'age-25-with-consent' | 'one-year-after-death';

/** R7: an archived record with its involvements and contact requests, kept six years for investigations. */
export interface ArchivedChild extends LiveHoldings {
  childId: string;
  leftBecause: LeavingRule;
  archivedAt: string;
  /** The UK day it was archived, and the day its archive is destroyed. */
  archivedOn: string;
  purgeOn: string;
}

/** What the live directory keeps of an archived record: its ID and its days — nothing about the child. */
export interface ArchiveEntry {
  childId: string;
  archivedOn: string;
  purgeOn: string;
}
