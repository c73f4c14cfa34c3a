import { PreconditionFailedError } from '#domain/errors.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import type { ReviewQueue } from '#domain/ports.ts';

/** The review queue in memory, for tests of the linker that do not test the queue's storage. */
export class MemoryReviewQueue implements ReviewQueue {
  readonly items = new Map<string, ReviewItem>();

  async queue(item: ReviewItem): Promise<boolean> {
    const key = `${item.queue}|${item.reviewId}`;
    if (this.items.has(key)) return false;
    this.items.set(key, structuredClone(item));
    return true;
  }

  async get(queue: string, reviewId: string): Promise<ReviewItem | undefined> {
    return structuredClone(this.items.get(`${queue}|${reviewId}`));
  }

  async listOpen(queue: string, query: { limit: number }): Promise<{ items: ReviewItem[] }> {
    const items = [...this.items.values()]
      .filter((i) => i.queue === queue && i.status === 'open')
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt))
      .slice(0, query.limit);
    return { items: structuredClone(items) };
  }

  async decide(item: ReviewItem): Promise<void> {
    const key = `${item.queue}|${item.reviewId}`;
    if (this.items.get(key)?.status !== 'open') throw new PreconditionFailedError();
    this.items.set(key, structuredClone(item));
  }
}
