import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LimitKind,
  retryAfterSeconds,
  type UsageLimits,
  type UsageWindow,
  windowsAt,
} from '#domain/access/limits.ts';

const limits: UsageLimits = { search: { minute: 3, day: 10 }, view: { minute: 5, day: 20 } };
/** The minute and the day, always both. */
const windows = (now: Date, kind: LimitKind = 'search') =>
  windowsAt(now, kind, limits) as [UsageWindow, UsageWindow];

describe('R10 per-user limit windows', () => {
  it('puts a request in its UTC minute and UTC day, with that kind’s limits', () => {
    const [minute, day] = windows(new Date('2026-11-22T13:41:27.500Z'), 'search');
    expect(minute).toEqual({
      length: 'minute',
      start: '2026-11-22T13:41',
      resetsAt: Date.parse('2026-11-22T13:42:00Z') / 1000,
      limit: 3,
    });
    expect(day).toEqual({
      length: 'day',
      start: '2026-11-22',
      resetsAt: Date.parse('2026-11-23T00:00:00Z') / 1000,
      limit: 10,
    });
    expect(windows(new Date('2026-11-22T13:41:27Z'), 'view').map((w) => w.limit)).toEqual([5, 20]);
  });

  it('tells a caller to retry when the full window resets: 33 s before the minute ends, 1 s at its last instant', () => {
    const now = new Date('2026-11-22T13:41:27.500Z');
    const [minute, day] = windows(now, 'view');
    expect(retryAfterSeconds(now, minute)).toBe(33);
    expect(retryAfterSeconds(now, day)).toBe(37_113);
    const last = new Date('2026-11-22T13:41:59.999Z');
    expect(retryAfterSeconds(last, windows(last, 'view')[0])).toBe(1);
  });

  it('always gives a Retry-After between 1 s and the window’s length, and windows that contain the instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (now) => {
          const [minute, day] = windows(now, 'search');
          const minuteWait = retryAfterSeconds(now, minute);
          const dayWait = retryAfterSeconds(now, day);
          expect(minuteWait).toBeGreaterThanOrEqual(1);
          expect(minuteWait).toBeLessThanOrEqual(60);
          expect(dayWait).toBeGreaterThanOrEqual(1);
          expect(dayWait).toBeLessThanOrEqual(86_400);
          expect(now.toISOString().startsWith(minute.start)).toBe(true);
          expect(now.toISOString().startsWith(day.start)).toBe(true);
        },
      ),
    );
  });
});
