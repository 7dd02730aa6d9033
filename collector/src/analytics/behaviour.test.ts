import { describe, expect, it } from 'vitest';
import { PATHS, onPath } from './columns/both-paths.js';
import { generate, type EventRow } from './oracle.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const START = Date.parse('2024-03-07T00:00:00Z');
let fixture: Awaited<ReturnType<typeof generate>> | undefined;
const data = async () => (fixture ??= await generate(3, START, 10 * 86_400_000, 60));
async function get(path: string) {
  const f = await data();
  const res = await f.app.request(path, { headers: { Authorization: `Bearer ${f.key}` } });
  return { status: res.status, body: (await res.json()) as Json };
}
const day = (ms: number, tz: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short' }).format(ms);

// Each report runs against both paths: SQL, and the column store once it is built.
describe.each(PATHS)('behaviour reports (%s)', (path) => {
  onPath(path, async () => (await data()).database.sqlite, 4);

  describe('funnels', () => {
    const funnels = [
      {
        query: 'page:/,page:/blog/*,event:signup',
        steps: [
          (e: EventRow) => e.type === 'pageview' && e.path === '/',
          (e: EventRow) => e.type === 'pageview' && (e.path ?? '').startsWith('/blog/'),
          (e: EventRow) => e.type === 'custom' && e.name === 'signup',
        ],
      },
      {
        // exact steps only: the funnel reads just the events that match one
        query: 'page:/,page:/pricing,event:signup',
        steps: [
          (e: EventRow) => e.type === 'pageview' && e.path === '/',
          (e: EventRow) => e.type === 'pageview' && e.path === '/pricing',
          (e: EventRow) => e.type === 'custom' && e.name === 'signup',
        ],
      },
    ];
    for (const { query, steps } of funnels)
      it(`visitors per step, conversion and drop-off, within the window (${query}; exhaustive search as oracle)`, async () => {
        const f = await data();
        const windowMs = 3 * 3_600_000;
        const from = START;
        const to = START + 10 * 86_400_000;
        // exhaustive: the deepest chain of steps in order, all within the window of its first event
        const deepest = (ev: EventRow[], k: number, i: number, start: number): number => {
          if (k === steps.length) return k;
          let best = k;
          for (let j = i; j < ev.length; j++) {
            if (k > 0 && ev[j]!.ts - start > windowMs) break;
            if (steps[k]!(ev[j]!))
              best = Math.max(best, deepest(ev, k + 1, j + 1, k === 0 ? ev[j]!.ts : start));
          }
          return best;
        };
        const byVisitor = new Map<string, EventRow[]>();
        for (const e of [...f.events].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)))
          if (e.ts >= from && e.ts < to && (e.type === 'pageview' || e.type === 'custom'))
            byVisitor.set(e.visitor_id, [...(byVisitor.get(e.visitor_id) ?? []), e]);
        const reached = [0, 0, 0];
        for (const ev of byVisitor.values()) {
          const d = deepest(ev, 0, 0, 0);
          for (let k = 0; k < d; k++) reached[k]!++;
        }
        const r = await get(
          `/api/reports/funnel?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&steps=${query}&window=3h`,
        );
        expect(r.status).toBe(200);
        expect(r.body.steps.map((s: Json) => s.visitors)).toEqual(reached);
        expect(reached[2]).toBeGreaterThan(0);
        expect(r.body.steps[1].dropOff).toBe(reached[0]! - reached[1]!);
        expect(r.body.steps[2].conversionRate).toBe(
          Math.round((1000 * reached[2]!) / reached[0]!) / 10,
        );
      });

    it('a funnel with bad steps or window answers 400 with what was wrong', async () => {
      await data();
      for (const [q, msg] of [
        ['steps=page:/', /2 to 10 steps/],
        ['steps=page:/,click:x', /must be page:<path> or event:<name>/],
        ['steps=page:/,page:/a&window=3y', /window/],
        ['', /steps: required/],
      ] as const) {
        const bad = await get(`/api/reports/funnel?websiteId=site-1&${q}`);
        expect(bad.status, q).toBe(400);
        expect(bad.body.error.message, q).toMatch(msg);
      }
    });
  });

  describe('retention', () => {
    it('cohorts by first-visit day and the share that came back each following day', async () => {
      const f = await data();
      const tz = 'America/New_York';
      const r = await get(
        `/api/reports/retention?websiteId=site-1&from=2024-03-07&to=2024-03-16&timezone=${tz}&cohort=day&periods=5`,
      );
      expect(r.status).toBe(200);
      const first = new Map<string, number>();
      for (const s of [...f.sessions].sort((a, b) => a.startedAt - b.startedAt))
        if (!first.has(s.visitorId)) first.set(s.visitorId, s.startedAt);
      const days = r.body.cohorts.map((c: Json) => c.cohort) as string[];
      expect(days[0]).toBe('2024-03-07');
      expect(days.at(-1)).toBe('2024-03-16');
      for (const c of r.body.cohorts as Json[]) {
        const members = [...first].filter(([, t]) => day(t, tz) === c.cohort).map(([v]) => v);
        expect(c.visitors).toBe(members.length);
        for (const p of c.retention as Json[]) {
          const target = days[days.indexOf(c.cohort) + p.period];
          const back = members.filter((v) =>
            f.sessions.some((s) => s.visitorId === v && day(s.startedAt, tz) === target),
          );
          expect(p.visitors, `${c.cohort}+${p.period}`).toBe(back.length);
        }
        if (c.visitors) expect(c.retention[0].rate).toBe(100);
      }
    });
  });

  describe('active users', () => {
    it('DAU, WAU and MAU per local day', async () => {
      const f = await data();
      const tz = 'Asia/Kolkata';
      const r = await get(
        `/api/reports/active-users?websiteId=site-1&from=2024-03-10&to=2024-03-17&timezone=${tz}`,
      );
      expect(r.status).toBe(200);
      for (const d of r.body.days as Json[]) {
        const within = (span: number) => {
          const end = Date.parse(`${d.day}T00:00:00Z`);
          const days = new Set(
            Array.from({ length: span }, (_, i) =>
              new Date(end - i * 86_400_000).toISOString().slice(0, 10),
            ),
          );
          return new Set(
            f.sessions.filter((s) => days.has(day(s.startedAt, tz))).map((s) => s.visitorId),
          ).size;
        };
        expect([d.dau, d.wau, d.mau], d.day).toEqual([within(1), within(7), within(30)]);
      }
      expect(r.body.days).toHaveLength(8);
    });
  });
});
