/**
 * The sessions report's buckets, shared by its SQL and its column store (which keeps each
 * session's buckets as it changes): durations by upper bound (ms) and pages per session.
 */

/** Duration buckets: label and upper bound (ms, exclusive); longer sessions are `30m+`. */
export const DURATIONS = [
  ['0-10s', 10_000],
  ['10-30s', 30_000],
  ['30-60s', 60_000],
  ['1-3m', 180_000],
  ['3-10m', 600_000],
  ['10-30m', 1_800_000],
] as const;

/** The upper bounds of `DURATIONS`, ascending. */
export const DURATION_BOUNDS: readonly number[] = DURATIONS.map(([, max]) => max);

/** Pages-per-session buckets of one count each; then `5-9` and `10+`. */
export const PAGES = ['0', '1', '2', '3', '4'] as const;

/** The duration bucket of a session `ms` long: the first bound it is shorter than (6: none). */
export function durationBucket(ms: number): number {
  let k = 0;
  for (const bound of DURATION_BOUNDS) k += ms >= bound ? 1 : 0;
  return k;
}

/** The pages-per-session bucket of `n` pageviews: 0–4, then 5 (5–9) and 6 (10+). */
export function pagesBucket(n: number): number {
  return Math.min(n, 4) + (n >= 5 ? 1 : 0) + (n >= 10 ? 1 : 0);
}
