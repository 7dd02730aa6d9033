import { describe, expect, it } from 'vitest';
import { offsetAt } from './time.js';

const HOUR = 3_600_000;

/** The offset from the zone's calendar fields, as `offsetAt` computes it before caching. */
function fresh(tz: string, ms: number): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  return (
    Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - Math.floor(ms / 60_000) * 60_000
  );
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
