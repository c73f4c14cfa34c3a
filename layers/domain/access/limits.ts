/**
 * R10 per-user limits: how many searches and views one ContactPoint account may make per minute and per
 * day. Keyed on the account the registry resolved (never the token, so signing in again changes nothing).
 */
export type LimitKind = 'search' | 'view';
export type WindowLength = 'minute' | 'day';

export type UsageLimits = Record<LimitKind, Record<WindowLength, number>>;

/** One counting window: which one, when it started (its key), when it resets and the most it admits. */
export interface UsageWindow {
  length: WindowLength;
  /** ISO start of the window, e.g. `2026-11-22T13:41` or `2026-11-22` (UTC). */
  start: string;
  /** Epoch seconds at which the window resets (and its counter may expire). */
  resetsAt: number;
  limit: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The minute and the UTC day `now` falls in, with this kind's limits. */
export function windowsAt(now: Date, kind: LimitKind, limits: UsageLimits): UsageWindow[] {
  const ms = now.getTime();
  const minuteStart = ms - (ms % MINUTE_MS);
  const dayStart = ms - (ms % DAY_MS);
  return [
    {
      length: 'minute',
      start: new Date(minuteStart).toISOString().slice(0, 16),
      resetsAt: (minuteStart + MINUTE_MS) / 1000,
      limit: limits[kind].minute,
    },
    {
      length: 'day',
      start: new Date(dayStart).toISOString().slice(0, 10),
      resetsAt: (dayStart + DAY_MS) / 1000,
      limit: limits[kind].day,
    },
  ];
}

/** Whole seconds until the window resets, at least 1 (RFC 9110 Retry-After is an integer). */
export function retryAfterSeconds(now: Date, window: UsageWindow): number {
  return Math.max(1, Math.ceil(window.resetsAt - now.getTime() / 1000));
}
