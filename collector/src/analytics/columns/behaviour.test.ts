import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import { funnelReached, slidingDistinct } from './behaviour.js';

describe('slidingDistinct', () => {
  it('counts the distinct ids of each window of days, as sets over the raw rows do', () => {
    const r = prng(7);
    for (let round = 0; round < 40; round++) {
      const days = r.int(1, 40);
      const ids = r.int(1, 100); // several words of bits
      const length = r.int(0, 300);
      const day = new Int32Array(length);
      const id = new Uint32Array(length);
      for (let i = 0; i < length; i++) {
        day[i] = r.next() < 0.1 ? -1 : r.int(0, days - 1); // -1: outside, left out
        id[i] = r.int(0, ids - 1);
      }
      if (round % 2) {
        // in day order already (as sessions nearly are), the rows left out where they were
        const kept = [...day].filter((d) => d >= 0).sort((a, b) => a - b);
        for (let i = 0, k = 0; i < length; i++) if (day[i]! >= 0) day[i] = kept[k++]!;
      }
      const spans = [1, 3, 7, 30];
      // by day bitmaps, and (no room for them) by each id's latest day
      for (const room of [undefined, 0]) {
        const got = slidingDistinct(day, id, length, ids, days, spans, room);
        spans.forEach((span, s) => {
          for (let k = 0; k < days; k++) {
            const seen = new Set<number>();
            for (let i = 0; i < length; i++)
              if (day[i]! >= 0 && day[i]! <= k && day[i]! > k - span) seen.add(id[i]!);
            expect(got[s]![k], `room ${room} span ${span} day ${k}`).toBe(seen.size);
          }
        });
      }
    }
  });
});

describe('funnelReached', () => {
  it('orders a visitor’s touches by time, then arrival, and counts each visitor once', () => {
    // visitor 0: step 2 and step 1 at the same time, step 2 arriving first → only step 1;
    // visitor 1: the same, step 1 arriving first → both; visitor 2: step 2 outside the window
    const rows = [
      // (listed against their arrival order, so the tie-break is what decides)
      [0, 1000, 2, 0b01],
      [0, 1000, 1, 0b10],
      [1, 1000, 4, 0b10],
      [1, 1000, 3, 0b01],
      [2, 1000, 5, 0b01],
      [2, 1000 + 60_001, 6, 0b10],
      [1, 500, 7, 0b01],
    ] as const;
    const t = {
      length: rows.length,
      visitor: Uint32Array.from(rows.map((x) => x[0])),
      ts: Float64Array.from(rows.map((x) => x[1])),
      order: Float64Array.from(rows.map((x) => x[2])),
      steps: Uint16Array.from(rows.map((x) => x[3])),
      visitors: 3,
    };
    expect(funnelReached(t, 2, 60_000)).toEqual([3, 1]);
  });
});
