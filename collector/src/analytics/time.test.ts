import { describe, expect, it } from 'vitest';
import { bucketKey, buckets, offsetAt, type Interval } from './time.js';

const HOUR = 3_600_000;

const names = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset at `ms` as Intl names it (`GMT+5:45`): a second way to the same figure. */
function fresh(tz: string, ms: number): number {
  let f = names.get(tz);
  if (!f)
    names.set(
      tz,
      (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })),
    );
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`unexpected zone name ${name}`);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * 60_000) : 0;
}

describe('offsetAt', () => {
  it('answers whole hours from its cache as the calendar does, across DST and in half-hour zones', () => {
    // Berlin's spring and autumn changes of 2024, Adelaide's (+9:30 / +10:30) and Kathmandu (+5:45)
    const zones = ['Europe/Berlin', 'Australia/Adelaide', 'Asia/Kathmandu', 'UTC'];
    const from = Date.UTC(2024, 2, 30);
    for (const tz of zones)
      for (let round = 0; round < 2; round++)
        // the second round reads the cache
        for (let t = from; t < from + 220 * 24 * HOUR; t += HOUR)
          expect(offsetAt(tz, t), `${tz} ${new Date(t).toISOString()}`).toBe(fresh(tz, t));
    expect(offsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 0))).toBe(HOUR);
    expect(offsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 1))).toBe(2 * HOUR);
    expect(offsetAt('Asia/Kathmandu', Date.UTC(2024, 5, 1, 12))).toBe(5.75 * HOUR);
    // off the hour: computed, not cached
    expect(offsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 0, 59, 59, 999))).toBe(HOUR);
    expect(offsetAt('Europe/Berlin', Date.UTC(2024, 2, 31, 1, 0, 0, 1))).toBe(2 * HOUR);
  });

  it('stays right once its cache has started over (more hours asked for than it keeps)', () => {
    const from = Date.UTC(2000, 0, 1);
    const hours = 110_000; // past the 100,000 kept
    for (let k = 0; k < hours; k += 1) offsetAt('America/New_York', from + k * HOUR);
    for (let k = 0; k < hours; k += 997) {
      const t = from + k * HOUR;
      expect(offsetAt('America/New_York', t)).toBe(fresh('America/New_York', t));
    }
  });
});

describe('buckets', () => {
  it('splits a range where a key built at every quarter of an hour would change', () => {
    const QUARTER = 15 * 60_000;
    // DST in spring and autumn, a half-hour DST shift (Lord Howe), DST at midnight (Havana,
    // Santiago), a +5:45 zone, and 1930 Amsterdam (+0:19:32: boundaries off the quarter grid)
    const cases: [string, number, number][] = [
      ['Europe/Berlin', Date.UTC(2024, 2, 20), 30],
      ['Europe/Berlin', Date.UTC(2024, 9, 20), 30],
      ['Australia/Lord_Howe', Date.UTC(2024, 3, 1), 20],
      ['America/Havana', Date.UTC(2024, 2, 5), 20],
      ['America/Santiago', Date.UTC(2024, 8, 1), 20],
      ['Asia/Kathmandu', Date.UTC(2024, 0, 1), 10],
      ['Europe/Amsterdam', Date.UTC(1930, 0, 1), 40],
    ];
    const intervals: Interval[] = ['hour', 'day', 'week', 'month'];
    for (const [tz, start, days] of cases)
      for (const interval of intervals) {
        const from = start + 7 * 60_000; // off the grid
        const to = from + days * 24 * HOUR;
        const want: { key: string; start: number; end: number }[] = [];
        let key = bucketKey(from, offsetAt(tz, from), interval);
        let begin = from;
        for (let t = Math.floor(from / QUARTER) * QUARTER + QUARTER; t < to; t += QUARTER) {
          const k = bucketKey(t, offsetAt(tz, t), interval);
          if (k !== key) (want.push({ key, start: begin, end: t }), (key = k), (begin = t));
        }
        want.push({ key, start: begin, end: to });
        expect(buckets(tz, from, to, interval), `${tz} ${interval}`).toEqual(want);
      }
  });
});
