/**
 * Time zones for reports. SQLite knows no time zones, so bucket boundaries are computed here, as
 * instants, and queries count rows between them. Offsets come from `Intl` (the IANA database of
 * Node); every real zone's offset is a multiple of 15 minutes and changes on that grid, so the
 * boundaries are exact for DST days (23 or 25 hours) and half- or quarter-hour zones alike.
 */
import { ApiError } from '../http/errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const QUARTER = 15 * MINUTE;
export const DAY = 24 * HOUR;

export type Interval = 'hour' | 'day' | 'week' | 'month' | 'year';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws 400 unless `tz` is an IANA time zone this runtime knows. */
export function assertTimeZone(tz: string): string {
  try {
    formatter(tz);
    return tz;
  } catch {
    throw new ApiError(
      'invalid_fields',
      `timezone: "${tz}" is not an IANA time zone like Europe/Berlin`,
    );
  }
}

/** Offsets at whole hours, by zone: bucket lists ask for the same hours query after query. */
const hourOffsets = new Map<string, Map<number, number>>();
/** Hours kept in all before the cache starts over (~11 years of one zone's; a few MB). */
const HOURS_KEPT = 100_000;
let hoursHeld = 0;

/** The zone's offset from UTC at instant `ms`, in ms (east positive). */
export function offsetAt(tz: string, ms: number): number {
  if (ms % HOUR !== 0) return offsetOf(tz, ms);
  let cache = hourOffsets.get(tz);
  if (!cache) hourOffsets.set(tz, (cache = new Map()));
  let offset = cache.get(ms);
  if (offset === undefined) {
    if (hoursHeld >= HOURS_KEPT) {
      for (const c of hourOffsets.values()) c.clear();
      hoursHeld = 0;
    }
    cache.set(ms, (offset = offsetOf(tz, ms)));
    hoursHeld++;
  }
  return offset;
}

/** `offsetAt`, from the zone's calendar fields at `ms`. */
function offsetOf(tz: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return local - Math.floor(ms / MINUTE) * MINUTE;
}

/** Local calendar fields of an instant (as UTC fields of the shifted time). */
function localFields(ms: number, offset: number) {
  const d = new Date(ms + offset);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth(),
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    dow: (d.getUTCDay() + 6) % 7, // Monday = 0
  };
}

/** The label of the bucket an instant falls in: `2024-03-10`, `2024-03-10T05`, `2024-03`, … */
export function bucketKey(ms: number, offset: number, interval: Interval): string {
  const f = localFields(ms, offset);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = (y: number, m: number, d: number) => `${y}-${p2(m + 1)}-${p2(d)}`;
  switch (interval) {
    case 'hour':
      return `${date(f.y, f.m, f.d)}T${p2(f.h)}`;
    case 'day':
      return date(f.y, f.m, f.d);
    case 'week': {
      const monday = new Date(Date.UTC(f.y, f.m, f.d - f.dow));
      return date(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate());
    }
    case 'month':
      return `${f.y}-${p2(f.m + 1)}`;
    case 'year':
      return String(f.y);
  }
}

export interface Bucket {
  /** local label: `YYYY-MM-DD` (day, week = its Monday), `YYYY-MM-DDTHH`, `YYYY-MM`, `YYYY` */
  key: string;
  /** first instant of the bucket within the range (ms) */
  start: number;
  /** first instant after it (ms, exclusive) */
  end: number;
}

/**
 * The buckets covering [from, to): consecutive, the first starting at `from`, the last ending at
 * `to`. Offsets are looked up once an hour and refined to the 15-minute grid where they change.
 */
export function buckets(tz: string, from: number, to: number, interval: Interval): Bucket[] {
  const out: Bucket[] = [];
  if (to <= from) return out;
  let last = offsetAt(tz, from);
  let key = bucketKey(from, last, interval);
  let start = from;
  // walk the 15-minute grid, checking offsets hourly (and every quarter of an hour that changed)
  let t = Math.floor(from / QUARTER) * QUARTER + QUARTER;
  let hourOffset = offsetAt(tz, Math.floor(from / HOUR) * HOUR);
  let hourStart = Math.floor(from / HOUR) * HOUR;
  let nextOffset = offsetAt(tz, hourStart + HOUR);
  // a key can change only where the local clock passes a whole hour (hourly buckets) or a
  // midnight (the others), or where the offset changes: only there is it built
  const unit = interval === 'hour' ? HOUR : 24 * HOUR;
  while (t < to) {
    if (t >= hourStart + HOUR) {
      hourStart += HOUR;
      hourOffset = nextOffset;
      nextOffset = offsetAt(tz, hourStart + HOUR);
    }
    const offset = hourOffset === nextOffset ? hourOffset : offsetAt(tz, t);
    const wall = t + offset;
    const passed = offset !== last || ((wall % unit) + unit) % unit < QUARTER;
    last = offset;
    if (!passed) {
      t += QUARTER;
      continue;
    }
    const k = bucketKey(t, offset, interval);
    if (k !== key) {
      out.push({ key, start, end: t });
      key = k;
      start = t;
    }
    t += QUARTER;
  }
  out.push({ key, start, end: to });
  return out;
}

/** The index of the bucket of consecutive `list` that holds `ms`, or -1 outside them all. */
export function bucketIndex(list: readonly Bucket[], ms: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = list[mid]!;
    if (ms < b.start) hi = mid - 1;
    else if (ms >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * The bucket of `t` among consecutive buckets (`of`), starting the search at the last one found.
 * A class, not a closure: its method is one call target for every query, so V8 keeps the scan
 * loops that call it optimized (a new closure per query made them deoptimize, ~17 ns a row).
 */
export class BucketFinder {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private cur = 0;
  constructor(private readonly list: readonly Bucket[]) {
    this.starts = Float64Array.from(list, (b) => b.start);
    this.ends = Float64Array.from(list, (b) => b.end);
  }

  of(t: number): number {
    const { starts, ends } = this;
    if (t >= starts[this.cur]! && t < ends[this.cur]!) return this.cur;
    if (!(t >= starts[0]! && t < ends[ends.length - 1]!)) return -1; // NaN too
    return (this.cur = bucketIndex(this.list, t));
  }
}

/** The instant local midnight of `date` (`YYYY-MM-DD`) begins in `tz`. */
export function localMidnight(tz: string, date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // two rounds settle the offset (a midnight in a DST gap becomes the first instant of the day)
  let t = wall - offsetAt(tz, wall);
  t = wall - offsetAt(tz, t);
  const back = bucketKey(t, offsetAt(tz, t), 'day');
  if (back !== date) {
    // midnight does not exist that day (DST at 00:00): the day starts at the first quarter in it
    for (let q = t; q < t + 2 * HOUR; q += QUARTER)
      if (bucketKey(q, offsetAt(tz, q), 'day') === date) return q;
  }
  return t;
}
