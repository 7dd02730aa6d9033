import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.js';
import { parseInstant, parseTimeRange } from './time-range.js';

const now = Date.parse('2024-01-15T12:00:00Z');

describe('parseTimeRange', () => {
  it('reads dates, datetimes with and without offsets, and epoch ms', () => {
    expect(parseInstant('from', '2024-01-02')).toBe(Date.parse('2024-01-02T00:00:00Z'));
    expect(parseInstant('to', '2024-01-02')).toBe(Date.parse('2024-01-03T00:00:00Z'));
    expect(parseInstant('from', '2024-01-02T10:30')).toBe(Date.parse('2024-01-02T10:30:00Z'));
    expect(parseInstant('from', '2024-01-02T10:30:00+02:00')).toBe(
      Date.parse('2024-01-02T08:30:00Z'),
    );
    expect(parseInstant('from', '1704067200000')).toBe(1704067200000);
  });

  it('periods end now; no parameters mean all time', () => {
    expect(parseTimeRange({ period: '7d' }, now)).toEqual({ from: now - 7 * 86_400_000, to: now });
    expect(parseTimeRange({}, now)).toEqual({ from: null, to: null });
    expect(parseTimeRange({ period: 'all' }, now)).toEqual({ from: null, to: null });
  });

  it('throws invalid_fields with the parameter name', () => {
    for (const [q, word] of [
      [{ from: 'soon' }, 'from'],
      [{ to: '2024-01-01T10:00:00 PST' }, 'to'],
      [{ period: 'toString' }, 'period'],
      [{ period: '7d', to: '2024-01-01' }, 'period'],
      [{ from: '2024-01-02', to: '2024-01-01' }, 'before'],
    ] as const) {
      try {
        parseTimeRange(q, now);
        expect.unreachable(JSON.stringify(q));
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe('invalid_fields');
        expect((err as ApiError).message).toContain(word);
      }
    }
  });
});
