import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import {
  funnelPart,
  funnelReached,
  retentionCounts,
  roomFor,
  slidingDistinct,
  type Touches,
} from './behaviour.js';
import { helperReady, helperStats } from './helper-thread.js';

describe('slidingDistinct', () => {
  it('counts the distinct ids of each window of days, as sets over the raw rows do', () => {
    const r = prng(7);
    for (let round = 0; round < 40; round++) {
      const days = r.int(1, 40);
      const ids = r.int(1, 100); // several words of bits
      const length = r.int(0, 300);
      const day = new Int32Array(length);
      const id = new Int32Array(length);
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
        const first = r.int(0, days - 1); // the windows from this day on
        const got = slidingDistinct(day, id, length, ids, days, spans, first, room);
        spans.forEach((span, s) => {
          for (let k = 0; k < first; k++) expect(got[s]![k]).toBe(0);
          for (let k = first; k < days; k++) {
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

  it('finds the deepest chain of steps within the window, as an exhaustive search does', () => {
    const r = prng(5);
    for (let round = 0; round < 200; round++) {
      // every tenth round: one or two visitors with many touches (more than an insertion sort's)
      const many = round % 10 === 0;
      const nSteps = r.int(1, many ? 3 : 5);
      const visitors = r.int(1, many ? 2 : 6);
      const length = many ? r.int(130, 260) : r.int(0, 40);
      const windowMs = r.int(0, many ? 1 : 30); // (many: the tie-break decides)
      const visitor = Uint32Array.from({ length }, () => r.int(0, visitors - 1));
      const ts = Float64Array.from({ length }, () => r.int(0, many ? 100 : 60)); // ties too
      const order = Float64Array.from({ length }, (_, i) => (i * 7) % length); // arrival
      // an event may match several steps, or none
      const steps = Uint16Array.from({ length }, () => r.int(0, (1 << nSteps) - 1));
      const deepest = (ev: number[], k: number, i: number, start: number): number => {
        if (k === nSteps) return k;
        let best = k;
        for (let j = i; j < ev.length; j++) {
          if (k > 0 && ts[ev[j]!]! - start > windowMs) break;
          if ((steps[ev[j]!]! >> k) & 1)
            best = Math.max(best, deepest(ev, k + 1, j + 1, k === 0 ? ts[ev[j]!]! : start));
        }
        return best;
      };
      const want = new Array<number>(nSteps).fill(0);
      for (let v = 0; v < visitors; v++) {
        const ev = [...Array(length).keys()]
          .filter((i) => visitor[i] === v)
          .sort((a, b) => ts[a]! - ts[b]! || order[a]! - order[b]!);
        for (let k = 0; k < deepest(ev, 0, 0, 0); k++) want[k]!++;
      }
      const t = { length, visitor, ts, order, steps, visitors };
      expect(funnelReached(t, nSteps, windowMs), `round ${round}`).toEqual(want);
    }
  });
});

describe('funnelReached over two threads', () => {
  it('splits a large funnel with the helper thread by visitor, with the single thread’s counts', async () => {
    const r = prng(11);
    const length = 90_000; // over the split's threshold
    const visitors = 20_000;
    const empty: Touches = {
      length: 0,
      visitors,
      visitor: new Uint32Array(0),
      ts: new Float64Array(0),
      order: new Float64Array(0),
      steps: new Uint16Array(0),
    };
    // grown from nothing: on shared memory, as the column store's touches are
    const t = roomFor(empty, 0, length);
    t.length = length;
    expect(t.visitor.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let i = 0; i < length; i++) {
      t.visitor[i] = r.int(0, visitors - 1);
      t.ts[i] = r.int(0, 50_000);
      t.order[i] = i;
      t.steps[i] = r.int(0, 7);
    }
    const whole = funnelPart(t, 3, 2_000, 0, 1);
    expect(whole[2]).toBeGreaterThan(0);
    // each half counts its own visitors only
    const [even, odd] = [funnelPart(t, 3, 2_000, 0, 2), funnelPart(t, 3, 2_000, 1, 2)];
    expect(even.map((n, k) => n + odd[k]!)).toEqual(whole);
    expect(even[0]).toBeGreaterThan(0);
    expect(odd[0]).toBeGreaterThan(0);
    // the helper starts on first use, and takes tasks once it has loaded
    for (let waited = 0; !helperReady() && waited < 20_000; waited += 50)
      await new Promise((ok) => setTimeout(ok, 50));
    const before = helperStats.tasks;
    expect(funnelReached(t, 3, 2_000)).toEqual(whole);
    expect(helperStats.tasks).toBe(before + 1);
  });
});

describe('retentionCounts', () => {
  it('counts each cohort and its returns as sets over the raw rows do, by bitmaps or not', () => {
    const r = prng(11);
    for (let round = 0; round < 60; round++) {
      const n = r.int(1, 12); // buckets of 10 ms from 100
      const list = Array.from({ length: n }, (_, k) => ({
        key: `b${k}`,
        start: 100 + 10 * k,
        end: 110 + 10 * k,
      }));
      const from = 100 + r.int(0, 5); // inside the first bucket too, as a week's start may be
      const to = 100 + 10 * n - r.int(0, 5); // `to` inside the last bucket too
      const visitors = r.int(1, 80);
      const length = r.int(0, 400);
      const startedAt = new Float64Array(length);
      const visitor = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        startedAt[i] = r.int(60, 100 + 10 * n + 20); // before `from` and after `to` too
        visitor[i] = r.int(0, visitors - 1);
      }
      if (round % 2) startedAt.sort(); // in start order, as sessions nearly are
      const periods = r.int(0, n + 1);
      const rows = { length, startedAt, visitor, visitors };
      // the definition: a visitor's cohort is the bucket of its first session before `to`
      const first = new Map<number, number>();
      for (let i = 0; i < length; i++)
        if (startedAt[i]! < to && !(startedAt[i]! >= (first.get(visitor[i]!) ?? Infinity)))
          first.set(visitor[i]!, startedAt[i]!);
      const bucket = (t: number) => (t >= from && t < to ? Math.floor((t - 100) / 10) : -1);
      const want = list.map((_, c) => {
        const members = [...first].filter(([, t]) => bucket(t) === c).map(([v]) => v);
        const back = Array.from({ length: periods + 1 }, (_, k) => {
          const came = new Set<number>();
          for (let i = 0; i < length; i++)
            if (bucket(startedAt[i]!) === c + k && members.includes(visitor[i]!))
              came.add(visitor[i]!);
          return came.size;
        });
        return { visitors: members.length, back };
      });
      for (const room of [undefined, 0]) {
        const got = retentionCounts(rows, list, from, to, periods, room);
        expect(got.visitors, `round ${round} room ${room}`).toEqual(want.map((w) => w.visitors));
        expect(got.returning, `round ${round} room ${room}`).toEqual(want.map((w) => w.back));
      }
    }
  });
});

describe('roomFor', () => {
  it('keeps the touches written so far when the arrays grow, and reuses arrays with room', () => {
    const t = {
      length: 0,
      visitor: Uint32Array.of(7, 8, 9),
      ts: Float64Array.of(1, 2, 3),
      order: Float64Array.of(4, 5, 6),
      steps: Uint16Array.of(1, 2, 3),
      visitors: 10,
    };
    expect(roomFor(t, 2, 3)).toBe(t);
    const grown = roomFor(t, 2, 5);
    expect(grown.visitor.length).toBe(6); // doubled: more than asked
    expect([...grown.visitor]).toEqual([7, 8, 0, 0, 0, 0]);
    expect([...grown.ts]).toEqual([1, 2, 0, 0, 0, 0]);
    expect([...grown.order]).toEqual([4, 5, 0, 0, 0, 0]);
    expect([...grown.steps]).toEqual([1, 2, 0, 0, 0, 0]);
    expect(grown.visitors).toBe(10);
  });
});
