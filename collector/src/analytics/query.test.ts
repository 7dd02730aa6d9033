import { describe, expect, it } from 'vitest';
import { PATHS, onPath } from './columns/both-paths.js';
import { generate } from './oracle.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const START = Date.parse('2024-03-07T00:00:00Z');
let fixture: Awaited<ReturnType<typeof generate>> | undefined;
const data = async () => (fixture ??= await generate(7, START, 6 * 86_400_000, 30));

async function call(path: string, body?: unknown) {
  const f = await data();
  const res = await f.app.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${f.key}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const kolkataDay = (ms: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Kolkata', dateStyle: 'short' }).format(ms);

// Each query runs against both paths: SQL, and the column store once it is built (queries over
// custom properties stay SQL either way).
describe.each(PATHS)('%s', (path) => {
  onPath(path, async () => (await data()).database.sqlite, 3);

  describe('generic query', () => {
    it('GET: by day and a custom property; count, visitors, sum and avg of a numeric property; filtered', async () => {
      const f = await data();
      const from = '2024-03-07';
      const to = '2024-03-12';
      const r = await call(
        `/api/query?websiteId=site-1&from=${from}&to=${to}&timezone=Asia/Kolkata&groupBy=day,prop.plan&metrics=count,visitors,sum:prop.cents,avg:prop.cents,max:prop.cents&event=signup`,
      );
      expect(r.status).toBe(200);
      expect(r.body.columns).toEqual([
        'day',
        'prop.plan',
        'count',
        'visitors',
        'sum:prop.cents',
        'avg:prop.cents',
        'max:prop.cents',
      ]);
      const lo = Date.parse('2024-03-06T18:30:00Z');
      const hi = Date.parse('2024-03-12T18:30:00Z');
      const groups = new Map<string, { n: number; v: Set<string>; cents: number[] }>();
      for (const e of f.events) {
        if (e.type !== 'custom' || e.name !== 'signup' || e.ts < lo || e.ts >= hi) continue;
        const props = JSON.parse(e.props!) as { plan: string; cents: number };
        const k = `${kolkataDay(e.ts)}|${props.plan}`;
        const g = groups.get(k) ?? { n: 0, v: new Set(), cents: [] };
        g.n++;
        g.v.add(e.visitor_id);
        g.cents.push(props.cents);
        groups.set(k, g);
      }
      expect(r.body.rows.length).toBe(groups.size);
      for (const row of r.body.rows as Json[]) {
        const g = groups.get(`${row.day}|${row['prop.plan']}`)!;
        expect(row.count).toBe(g.n);
        expect(row.visitors).toBe(g.v.size);
        expect(row['sum:prop.cents']).toBe(g.cents.reduce((a, b) => a + b, 0));
        expect(row['avg:prop.cents']).toBeCloseTo(
          g.cents.reduce((a, b) => a + b, 0) / g.cents.length,
          6,
        );
        expect(row['max:prop.cents']).toBe(Math.max(...g.cents));
      }
      // sorted by day (the time bucket) by default
      const days = (r.body.rows as Json[]).map((x) => x.day);
      expect(days).toEqual([...days].sort());
    });

    it('POST: a session dimension, JSON filters, sort and limit', async () => {
      const f = await data();
      const r = await call('/api/query', {
        websiteId: 'site-1',
        from: '2024-03-07T00:00:00Z',
        to: '2024-03-13T00:00:00Z',
        groupBy: ['browser'],
        metrics: ['sessions', 'count'],
        filters: [
          { dimension: 'type', op: 'is', value: 'pageview' },
          { dimension: 'country', op: 'is_not', value: ['IN'] },
        ],
        sort: ['-sessions'],
        limit: 2,
      });
      expect(r.status).toBe(200);
      const bySession = new Map(f.sessions.map((s) => [s.id, s]));
      const groups = new Map<string, { s: Set<string>; n: number }>();
      for (const e of f.events) {
        const s = bySession.get(e.session_id)!;
        if (e.type !== 'pageview' || s.country === 'IN') continue;
        const g = groups.get(s.browser!) ?? { s: new Set(), n: 0 };
        g.s.add(e.session_id);
        g.n++;
        groups.set(s.browser!, g);
      }
      const expected = [...groups]
        .map(([browser, g]) => ({ browser, sessions: g.s.size, count: g.n }))
        .sort((a, b) => b.sessions - a.sessions || a.browser.localeCompare(b.browser))
        .slice(0, 2);
      expect(r.body.rows).toEqual(expected);
    });

    it('by a time bucket and session dimensions, counts only: ranges and buckets that cut sessions', async () => {
      const f = await data();
      const bySession = new Map(f.sessions.map((s) => [s.id, s]));
      const long = f.sessions
        .filter((s) => s.endedAt - s.startedAt > 60_000)
        .sort((a, b) => a.startedAt - b.startedAt);
      const mid = (q: number) => {
        const s = long[Math.floor(q * long.length)]!;
        return Math.floor((s.startedAt + s.endedAt) / 2);
      };
      const cuts = (t: number) => f.sessions.some((s) => s.startedAt < t && s.endedAt >= t);
      const from = mid(0.2);
      const to = mid(0.7);
      expect(cuts(from) && cuts(to)).toBe(true);
      const hour = (ms: number) =>
        new Intl.DateTimeFormat('sv-SE', {
          timeZone: 'Asia/Kolkata',
          dateStyle: 'short',
          timeStyle: 'short',
        })
          .format(ms)
          .replace(' ', 'T')
          .slice(0, 13);
      const cases: [string, (e: { ts: number }) => string][] = [
        ['hour,', (e) => hour(e.ts) + '|'],
        ['day,', (e) => kolkataDay(e.ts) + '|'],
        ['', () => '|'],
      ];
      for (const [time, key] of cases) {
        const r = await call(
          `/api/query?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&timezone=Asia/Kolkata&groupBy=${time}browser,country&metrics=count,visitors,sessions&country=!IN&limit=1000`,
        );
        expect(r.status).toBe(200);
        const groups = new Map<string, { n: number; v: Set<string>; s: Set<string> }>();
        for (const e of f.events) {
          const s = bySession.get(e.session_id)!;
          if (e.ts < from || e.ts >= to || s.country === 'IN') continue;
          const k = `${key(e)}${s.browser}|${s.country}`;
          const g = groups.get(k) ?? { n: 0, v: new Set(), s: new Set() };
          g.n++;
          g.v.add(e.visitor_id);
          g.s.add(e.session_id);
          groups.set(k, g);
        }
        const t = time.slice(0, -1);
        const got = Object.fromEntries(
          (r.body.rows as Json[]).map((x) => [
            `${t ? x[t] : ''}|${x.browser}|${x.country}`,
            [x.count, x.visitors, x.sessions],
          ]),
        );
        expect(got).toEqual(
          Object.fromEntries([...groups].map(([k, g]) => [k, [g.n, g.v.size, g.s.size]])),
        );
      }
    });

    it('invalid queries answer 400 with what was wrong', async () => {
      const cases: [string, unknown, RegExp][] = [
        [
          '/api/query?websiteId=site-1&metrics=median',
          undefined,
          /metrics.0: "median" is not a metric/,
        ],
        [
          '/api/query?websiteId=site-1&metrics=sum:path',
          undefined,
          /"path" is not a numeric field/,
        ],
        ['/api/query?websiteId=site-1&groupBy=day,month', undefined, /at most one time bucket/],
        [
          '/api/query?websiteId=site-1&groupBy=shoe',
          undefined,
          /groupBy.0: "shoe" is not a dimension/,
        ],
        ['/api/query?websiteId=site-1&sort=-nope', undefined, /sort: "nope" is not a column/],
        [
          '/api/query',
          { websiteId: 'site-1', filters: [{ dimension: 'x;drop', op: 'is', value: 'a' }] },
          /is not a dimension/,
        ],
        ['/api/query', { websiteId: 'site-1', groupBy: ['prop.a"b'] }, /property key/],
        ['/api/query', { websiteId: 'site-1', limit: 0 }, /limit/],
      ];
      for (const [path, body, message] of cases) {
        const r = await call(path, body);
        expect(r.status, path).toBe(400);
        expect(r.body.error.message, path).toMatch(message);
      }
    });
  });
});
