/**
 * The sessions report's paths over columns (`topTransitions` over `PageviewLinks`) against a
 * brute-force count: random sessions whose pageviews arrive in time order or out of it, ties at
 * one instant, pageviews without a path, sessions linked late (their pageviews came before them),
 * sessions left out, and sessions whose stored start or end leaves some pageviews outside.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import { compareText } from './dictionary.js';
import { PageviewLinks, topTransitions, type Transition } from './paths.js';

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
  it('counts the moves of each chosen session in time order, within its time', () => {
    const r = prng(4242);
    const seen = { recounted: 0, outside: 0 };
    for (let round = 0; round < 80; round++) {
      const sessions = r.int(1, 40);
      const rows = r.int(0, 400);
      const session = new Int32Array(rows);
      const ts = new Float64Array(rows);
      const path = new Uint16Array(rows);
      // a clock per session: mostly forward, sometimes back (a late request), sometimes the same
      const clock = Array.from({ length: sessions }, () => r.int(0, 1000));
      const ordered = Array.from({ length: sessions }, () => r.next() < 0.7);
      for (let i = 0; i < rows; i++) {
        const s = r.int(0, sessions - 1);
        const step = r.next();
        clock[s]! += ordered[s] ? r.int(0, 30) : step < 0.3 ? -r.int(1, 50) : r.int(0, 30);
        session[i] = s;
        ts[i] = clock[s]!;
        path[i] = r.next() < 0.05 ? 0 : r.int(1, VALUES.length - 1);
      }
      // linked as the store does: in row order, some sessions only once all rows are in
      const links = new PageviewLinks();
      for (let s = 0; s < sessions; s++) links.addSession();
      const late = Array.from({ length: sessions }, () => r.next() < 0.2);
      for (let i = 0; i < rows; i++) {
        const k = links.addPageview(path[i]!, 0, 0);
        if (!late[session[i]!]) links.link(k, session[i]!, ts[i]!, path[i]!);
      }
      for (let i = 0; i < rows; i++)
        if (late[session[i]!]) links.link(i, session[i]!, ts[i]!, path[i]!);
      // stored start and end: the pageviews' span, sometimes cut (pageviews outside)
      const start = new Float64Array(sessions).fill(Infinity);
      const end = new Float64Array(sessions).fill(-Infinity);
      for (let i = 0; i < rows; i++) {
        start[session[i]!] = Math.min(start[session[i]!]!, ts[i]!);
        end[session[i]!] = Math.max(end[session[i]!]!, ts[i]!);
      }
      const chosen = new Uint8Array(sessions);
      for (let s = 0; s < sessions; s++) {
        if (r.next() < 0.1) {
          start[s]! += r.int(1, 20);
          end[s]! -= r.int(0, 20);
        }
        if (r.next() < 0.15) continue; // not in the report
        chosen[s] = links.mode(s, start[s]!, end[s]!);
        if (chosen[s] === 2) seen.recounted++;
      }
      const picked = Array.from({ length: rows }, (_, i) => i).filter((i) => {
        const s = session[i]!;
        const inside = ts[i]! >= start[s]! && ts[i]! <= end[s]!;
        if (chosen[s] && !inside) seen.outside++;
        return chosen[s] && inside;
      });
      const limit = r.pick([1, 5, 20, 100]);
      const walk = {
        rows: Int32Array.from({ length: rows }, (_, i) => i),
        a: 0,
        b: rows,
        prev: links.prev.data,
        pvSession: links.session.data,
        pvPath: links.path.data,
        session,
        ts,
        path,
        chosen,
        start,
        end,
      };
      expect(topTransitions(walk, VALUES, limit), `round ${round}`).toEqual(
        bruteForce(picked, session, ts, path, limit),
      );
    }
    expect(seen.recounted).toBeGreaterThan(100);
    expect(seen.outside).toBeGreaterThan(20);
  });
});
