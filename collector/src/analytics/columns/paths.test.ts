/**
 * The sessions report's paths over columns (`topTransitions`) against a brute-force count:
 * random sessions whose pageviews arrive in time order, or out of it after some moves (those
 * counted in arrival order are taken back), ties at one instant, and pageviews without a path.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import { compareText } from './dictionary.js';
import { topTransitions, type Transition } from './paths.js';

const VALUES = [null, '/', '/pricing', '/docs', '/blog', '/about', '/signup'];

/** Each session's pageviews sorted by (time, arrival), the moves counted, ranked as SQL does. */
function bruteForce(
  picked: number[],
  session: Int32Array,
  ts: Float64Array,
  path: Uint16Array,
  limit: number,
): Transition[] {
  const bySession = new Map<number, number[]>();
  for (const i of picked) bySession.set(session[i]!, [...(bySession.get(session[i]!) ?? []), i]);
  const counts = new Map<string, { from: string; to: string | null; sessions: number }>();
  for (const rows of bySession.values()) {
    rows.sort((a, b) => ts[a]! - ts[b]! || a - b);
    for (let k = 1; k < rows.length; k++) {
      const from = VALUES[path[rows[k - 1]!]!];
      if (from === null || from === undefined) continue;
      const to = VALUES[path[rows[k]!]!]!;
      const key = `${from}\u0000${to}`;
      const c = counts.get(key) ?? { from, to, sessions: 0 };
      c.sessions++;
      counts.set(key, c);
    }
  }
  return [...counts.values()]
    .sort(
      (a, b) => b.sessions - a.sessions || compareText(a.from, b.from) || compareText(a.to, b.to),
    )
    .slice(0, limit);
}

describe('topTransitions', () => {
  it('counts the moves of each session in time order, whatever the arrival order', () => {
    const r = prng(4242);
    let disordered = 0;
    for (let round = 0; round < 60; round++) {
      const sessions = r.int(1, 40);
      const rows = r.int(0, 400);
      const session = new Int32Array(rows);
      const ts = new Float64Array(rows);
      const path = new Uint16Array(rows);
      // a clock per session: mostly forward, sometimes back (a late request), sometimes the same
      const clock = Array.from({ length: sessions }, () => r.int(0, 1000));
      for (let i = 0; i < rows; i++) {
        const s = r.int(0, sessions - 1);
        const step = r.next();
        clock[s]! += step < 0.1 ? -r.int(1, 50) : step < 0.2 ? 0 : r.int(1, 30);
        session[i] = s;
        ts[i] = clock[s]!;
        path[i] = r.next() < 0.05 ? 0 : r.int(1, VALUES.length - 1);
      }
      // some rows are not picked (another session's, or outside its time)
      const picked = Array.from({ length: rows }, (_, i) => i).filter(() => r.next() < 0.9);
      const bySession = new Map<number, number[]>();
      for (const i of picked)
        bySession.set(session[i]!, [...(bySession.get(session[i]!) ?? []), i]);
      for (const list of bySession.values())
        if (list.some((i, k) => k > 0 && ts[i]! < ts[list[k - 1]!]!)) disordered++;
      const limit = r.pick([1, 5, 20, 100]);
      expect(
        topTransitions(
          Int32Array.from(picked),
          picked.length,
          session,
          ts,
          path,
          sessions,
          VALUES,
          limit,
        ),
        `round ${round}`,
      ).toEqual(bruteForce(picked, session, ts, path, limit));
    }
    expect(disordered).toBeGreaterThan(100);
  });
});
