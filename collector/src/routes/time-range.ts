/** `from` / `to` / `period` query parameters → a time range (ms, `to` exclusive). */
import { ApiError } from '../http/errors.js';
import type { TimeRange } from '../queries/types.js';

const DAY = 86_400_000;
export const periods = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, all: null } as const;
export type Period = keyof typeof periods;

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/;
const epochMs = /^\d{1,15}$/;

/**
 * One bound. Dates are UTC days; datetimes without an offset are UTC. A date-only upper bound
 * means "through the end of that day".
 */
export function parseInstant(name: 'from' | 'to', value: string): number {
  let ms: number;
  if (epochMs.test(value)) ms = Number(value);
  else if (dateOnly.test(value)) ms = Date.parse(`${value}T00:00:00Z`) + (name === 'to' ? DAY : 0);
  else if (dateTime.test(value))
    ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw new ApiError(
      'invalid_fields',
      `${name}: "${value}" is not a date; use 2024-01-31, 2024-01-31T12:00:00Z or ms since the epoch`,
    );
  }
  return ms;
}

/** The range a request asks for; all time when it names none. */
export function parseTimeRange(
  q: { from?: string; to?: string; period?: string },
  now: number,
): TimeRange {
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined) {
      throw new ApiError('invalid_fields', 'period: use either period or from/to, not both');
    }
    if (!Object.hasOwn(periods, q.period)) {
      throw new ApiError(
        'invalid_fields',
        `period: "${q.period}" is not one of ${Object.keys(periods).join(', ')}`,
      );
    }
    const span = periods[q.period as Period];
    return span === null ? { from: null, to: null } : { from: now - span, to: now };
  }
  const from = q.from === undefined ? null : parseInstant('from', q.from);
  const to = q.to === undefined ? null : parseInstant('to', q.to);
  if (from !== null && to !== null && from >= to)
    throw new ApiError('invalid_fields', 'from must be before to');
  return { from, to };
}

export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
