/**
 * The parameters every report shares: the website, the time range (`period`, or `from`/`to`),
 * the time zone (default: the website's), the interval of a time series, and filters.
 *
 * `period`: `today`, `yesterday`, `24h`, `7d`, `30d`, `90d`, `month` (this month so far),
 * `last_month`, `12mo`, `year`. `from`/`to`: a date (`2024-03-01`, a whole local day in the time
 * zone; `to` inclusive) or an ISO datetime (an instant; `to` exclusive).
 */
import type { Principal } from '../auth/authorize.js';
import { assertWebsiteAccess } from '../auth/authorize.js';
import type { Db } from '../db/client.js';
import { ApiError } from '../http/errors.js';
import { getWebsite } from '../queries/websites.js';
import { filtersFromQuery, type Filter } from './filters.js';
import { DAY, assertTimeZone, bucketKey, localMidnight, offsetAt, type Interval } from './time.js';

export interface ReportParams {
  websiteId: string;
  /** [from, to) in ms */
  from: number;
  to: number;
  timezone: string;
  interval: Interval;
  filters: Filter[];
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const intervals: Interval[] = ['hour', 'day', 'week', 'month', 'year'];

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function today(tz: string, now: number): string {
  return bucketKey(now, offsetAt(tz, now), 'day');
}

function bound(name: 'from' | 'to', value: string, tz: string): number {
  if (dateOnly.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    return localMidnight(tz, name === 'to' ? addDays(value, 1) : value);
  if (dateTime.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw new ApiError(
    'invalid_fields',
    `${name}: "${value}" is not a date (2024-03-01) or an ISO datetime with offset (2024-03-01T10:00:00Z)`,
  );
}

/** [from, to) of a named period in `tz` at `now`. */
export function periodRange(period: string, tz: string, now: number): [number, number] {
  const d = today(tz, now);
  const month = d.slice(0, 7);
  switch (period) {
    case 'today':
      return [localMidnight(tz, d), now];
    case 'yesterday':
      return [localMidnight(tz, addDays(d, -1)), localMidnight(tz, d)];
    case '24h':
      return [now - DAY, now];
    case '7d':
    case '30d':
    case '90d':
      return [localMidnight(tz, addDays(d, 1 - Number(period.slice(0, -1)))), now];
    case 'month':
      return [localMidnight(tz, `${month}-01`), now];
    case 'last_month': {
      const first = new Date(`${month}-01T00:00:00Z`);
      first.setUTCMonth(first.getUTCMonth() - 1);
      return [
        localMidnight(tz, first.toISOString().slice(0, 10)),
        localMidnight(tz, `${month}-01`),
      ];
    }
    case '12mo': {
      const first = new Date(`${month}-01T00:00:00Z`);
      first.setUTCMonth(first.getUTCMonth() - 11);
      return [localMidnight(tz, first.toISOString().slice(0, 10)), now];
    }
    case 'year':
      return [localMidnight(tz, `${d.slice(0, 4)}-01-01`), now];
    default:
      throw new ApiError(
        'invalid_fields',
        `period: "${period}" is not one of today, yesterday, 24h, 7d, 30d, 90d, month, last_month, 12mo, year`,
      );
  }
}

/** Parses and checks the shared parameters; 400 for anything invalid, 403/404 for the website. */
export function reportParams(
  db: Db,
  principal: Principal,
  query: Record<string, string>,
  now: number,
): ReportParams {
  const websiteId =
    query.websiteId ?? (principal.websites?.length === 1 ? principal.websites[0] : undefined);
  if (!websiteId) throw new ApiError('invalid_fields', 'websiteId: required');
  assertWebsiteAccess(principal, websiteId);
  const site = getWebsite(db, websiteId);
  if (!site) throw new ApiError('not_found', `unknown website "${websiteId}"`);
  const timezone = assertTimeZone(query.timezone ?? site.timezone);
  let from: number;
  let to: number;
  if (query.period !== undefined) {
    if (query.from !== undefined || query.to !== undefined)
      throw new ApiError('invalid_fields', 'period: use either period or from/to, not both');
    [from, to] = periodRange(query.period, timezone, now);
  } else if (query.from !== undefined || query.to !== undefined) {
    if (query.from === undefined || query.to === undefined)
      throw new ApiError('invalid_fields', 'from/to: give both (or a period)');
    from = bound('from', query.from, timezone);
    to = bound('to', query.to, timezone);
  } else {
    [from, to] = periodRange('30d', timezone, now);
  }
  if (from >= to) throw new ApiError('invalid_fields', 'from must be before to');
  if (to - from > 3700 * DAY)
    throw new ApiError('invalid_fields', 'the range may span at most 10 years');
  const interval = (query.interval ?? (to - from <= 2 * DAY ? 'hour' : 'day')) as Interval;
  if (!intervals.includes(interval))
    throw new ApiError(
      'invalid_fields',
      `interval: "${interval}" is not one of ${intervals.join(', ')}`,
    );
  if (interval === 'hour' && to - from > 93 * DAY)
    throw new ApiError('invalid_fields', 'interval: hour buckets cover at most 93 days; use day');
  return { websiteId, from, to, timezone, interval, filters: filtersFromQuery(query) };
}
