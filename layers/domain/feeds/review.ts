import type { FeedRecord } from './feed.ts';

/**
 * R8: a feed row the linker could not settle alone — probably, but not surely, a child already known — put
 * before the ContactPoint team of the council that maintains that child, or of the shielding council when
 * the child is shielded (R3: only that team may see the pair). It holds only lawful record fields (R1).
 */
export interface ReviewItem {
  /**
   * Stable for the row and the candidate, so loading the same file again raises nothing new. As the linker
   * raises it, `feed.sourceId.childId`; as the queue stores and shows it, an opaque keyed hash of that
   * (ReviewQueue.queue derives it), so no key, URL or log holds a source reference such as an NHS number.
   */
  reviewId: string;
  /** GSS code of the council whose team decides. */
  queue: string;
  status: 'open' | 'decided';
  candidateChildId: string;
  /** The candidate is shielded: only the shielding team sees this item (R3). */
  candidateShielded: boolean;
  row: FeedRecord;
  probability: number;
  /** The engine's reasons, in words. */
  why: string[];
  raisedAt: string;
  decision?: ReviewDecision | undefined;
}

export type ReviewOutcome = 'same-child' | 'different-children';

export interface ReviewDecision {
  outcome: ReviewOutcome;
  decidedBy: string;
  decidedAt: string;
  /** Where the row went: the candidate, another child, a new child, or another review. */
  rowWent?: 'candidate' | 'other-child' | 'new-child' | 'another-review' | undefined;
  /** The child the row went to, when it joined or made one. */
  childId?: string | undefined;
}
