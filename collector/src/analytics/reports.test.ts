import { describe, expect, it } from 'vitest';
import { PATHS, onPath } from './columns/both-paths.js';
import { generate, type EventRow, type Session } from './oracle.js';
import { idMatchSpan } from './scope.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Pred = { session?: (s: Session) => boolean; event?: (e: EventRow) => boolean };

const START = Date.parse('2024-03-07T00:00:00Z'); // spans the US DST change of 2024-03-10
const SPAN = 8 * 86_400_000;

/** Local calendar label by another road than the app's (Intl sv-SE gives `YYYY-MM-DD HH:mm`). */
function local(ms: number, tz: string, interval: 'day' | 'hour'): string {
  const s = new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
  const [date, hour] = s.split(' ');
  return interval === 'day' ? date! : `${date}T${hour!.slice(0, 2)}`;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** The report definitions, computed over raw rows. */
function oracle(sessions: Session[], events: EventRow[]) {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const sessionSet = (from: number, to: number, p: Pred = {}) =>
    sessions.filter(
      (s) =>
        s.startedAt >= from &&
        s.startedAt < to &&
        (!p.session || p.session(s)) &&
        (!p.event ||
          events.some(
            (e) => e.session_id === s.id && e.ts >= s.startedAt && e.ts <= s.endedAt && p.event!(e),
          )),
    );
  const eventSet = (from: number, to: number, p: Pred = {}) =>
    events.filter(
      (e) =>
        e.ts >= from &&
        e.ts < to &&
        (!p.event || p.event(e)) &&
        (!p.session || p.session(byId.get(e.session_id)!)),
    );
  const metrics = (from: number, to: number, p: Pred = {}) => {
    const ss = sessionSet(from, to, p);
    const pv = eventSet(from, to, p).filter((e) => e.type === 'pageview').length;
    const visits = ss.length;
    return {
      visitors: new Set(ss.map((s) => s.visitorId)).size,
      visits,
      pageviews: pv,
      viewsPerVisit: visits ? round(pv / visits) : 0,
      bounceRate: visits ? round((100 * ss.filter((s) => s.pageviews <= 1).length) / visits, 1) : 0,
      visitDuration: visits
        ? Math.round(ss.reduce((a, s) => a + s.endedAt - s.startedAt, 0) / visits / 1000)
        : 0,
    };
  };
  return { sessionSet, eventSet, metrics };
}

let fixture: Awaited<ReturnType<typeof generate>> | undefined;
async function data() {
  fixture ??= await generate(42, START, SPAN);
  return fixture;
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const f = await data();
  const res = await f.app.request(path, { headers: { Authorization: `Bearer ${f.key}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

// Every report runs against both paths: SQL, and the column store (overview, time series and
// breakdowns answer from it once it is built; the other reports stay SQL either way).
describe.each(PATHS)('reports (%s) against a brute-force computation over the raw rows', (path) => {
  onPath(path, async () => (await data()).database.sqlite, 50);

  it('generated enough traffic', async () => {
    const f = await data();
    expect(f.sessions.length).toBeGreaterThan(50);
    expect(f.events.filter((e) => e.type === 'pageview').length).toBeGreaterThan(100);
  });

  for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    it(`overview with the previous period (${tz})`, async () => {
      const f = await data();
      const o = oracle(f.sessions, f.events);
      const r = await get(
        `/api/reports/overview?websiteId=site-1&from=2024-03-11&to=2024-03-14&timezone=${tz}`,
      );
      expect(r.status).toBe(200);
      const from = Date.parse(r.body.range.from);
      const to = Date.parse(r.body.range.to);
      expect(local(from, tz, 'hour')).toBe('2024-03-11T00');
      expect(local(to, tz, 'hour')).toBe('2024-03-15T00');
      expect(r.body.metrics).toEqual(o.metrics(from, to));
      expect(r.body.previous).toEqual(o.metrics(from - (to - from), from));
      expect(r.body.metrics.visits).toBeGreaterThan(0);
    });

    for (const interval of ['day', 'hour'] as const) {
      it(`timeseries by ${interval} (${tz})`, async () => {
        const f = await data();
        const o = oracle(f.sessions, f.events);
        const r = await get(
          `/api/reports/timeseries?websiteId=site-1&from=2024-03-08&to=2024-03-12&timezone=${tz}&interval=${interval}`,
        );
        expect(r.status).toBe(200);
        const points = r.body.points as Json[];
        const from = Date.parse(points[0]!.start);
        const to = Date.parse(r.body.points.at(-1).start) + 1; // last bucket start
        expect(from).toBeLessThan(to);
        // expected per-bucket values, keyed by local label
        const expected = new Map<
          string,
          { visitors: Set<string>; visits: number; pageviews: number }
        >();
        const slot = (k: string) => {
          let v = expected.get(k);
          if (!v) expected.set(k, (v = { visitors: new Set(), visits: 0, pageviews: 0 }));
          return v;
        };
        const rangeFrom = Date.parse(points[0]!.start);
        const rangeTo = rangeFrom + 5 * 86_400_000 + 2 * 3_600_000; // well past the end; filtered by label
        for (const s of o.sessionSet(rangeFrom, rangeTo)) {
          const v = slot(local(s.startedAt, tz, interval));
          v.visits++;
          v.visitors.add(s.visitorId);
        }
        for (const e of o.eventSet(rangeFrom, rangeTo))
          if (e.type === 'pageview') slot(local(e.ts, tz, interval)).pageviews++;
        const labels = new Set(points.map((p) => p.bucket));
        for (const p of points) {
          const v = expected.get(p.bucket);
          expect({
            b: p.bucket,
            visitors: p.visitors,
            visits: p.visits,
            pageviews: p.pageviews,
          }).toEqual({
            b: p.bucket,
            visitors: v?.visitors.size ?? 0,
            visits: v?.visits ?? 0,
            pageviews: v?.pageviews ?? 0,
          });
        }
        // every local day of the range, in order; hours: 23 on the New York spring-forward day
        if (interval === 'day')
          expect([...labels]).toEqual([
            '2024-03-08',
            '2024-03-09',
            '2024-03-10',
            '2024-03-11',
            '2024-03-12',
          ]);
        if (interval === 'hour') {
          const march10 = points.filter((p) => p.bucket.startsWith('2024-03-10')).length;
          expect(march10).toBe(tz === 'America/New_York' ? 23 : 24);
          if (tz === 'Asia/Kolkata') expect(new Date(points[1]!.start).getUTCMinutes()).toBe(30);
        }
      });
    }
  }

  it('visits by day and the overview, filtered to sessions holding a matching event', async () => {
    const f = await data();
    const o = oracle(f.sessions, f.events);
    const pred = { event: (e: EventRow) => e.path === '/pricing' };
    const r = await get(
      '/api/reports/timeseries?websiteId=site-1&from=2024-03-08&to=2024-03-12&timezone=UTC&interval=day&page=/pricing',
    );
    expect(r.status).toBe(200);
    const points = r.body.points as Json[];
    const visits = new Map<string, number>();
    const end = Date.parse('2024-03-13T00:00:00Z');
    for (const s of o.sessionSet(Date.parse('2024-03-08T00:00:00Z'), end, pred)) {
      const day = new Date(s.startedAt).toISOString().slice(0, 10);
      visits.set(day, (visits.get(day) ?? 0) + 1);
    }
    expect([...visits.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(points.map((p) => [p.bucket, p.visits])).toEqual(
      points.map((p) => [p.bucket, visits.get(p.bucket) ?? 0]),
    );
    const from = START;
    const to = START + SPAN;
    const ov = await get(
      `/api/reports/overview?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&page=/pricing`,
    );
    const ss = o.sessionSet(from, to, pred);
    expect(ov.body.metrics.visits).toBe(ss.length);
    expect(ov.body.metrics.visitors).toBe(new Set(ss.map((s) => s.visitorId)).size);
  });

  it('breakdowns by a session dimension and an event dimension, with combined filters', async () => {
    const f = await data();
    const o = oracle(f.sessions, f.events);
    const from = START;
    const to = START + SPAN;
    const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    // session dimension, filtered by country (session) and page (event)
    const pred = {
      session: (s: Session) => ['DE', 'US'].includes(s.country ?? ''),
      event: (e: EventRow) => e.path === '/pricing',
    };
    const r = await get(
      `/api/reports/breakdown?websiteId=site-1&${range}&by=browser&country=DE|US&page=/pricing&limit=50`,
    );
    expect(r.status).toBe(200);
    const ss = o.sessionSet(from, to, pred);
    const groups = new Map<string, Session[]>();
    for (const s of ss) groups.set(s.browser!, [...(groups.get(s.browser!) ?? []), s]);
    expect(r.body.results.length).toBe(groups.size);
    for (const row of r.body.results as Json[]) {
      const g = groups.get(row.value)!;
      expect(row.visits).toBe(g.length);
      expect(row.visitors).toBe(new Set(g.map((s) => s.visitorId)).size);
      const pv = o
        .eventSet(from, to, pred)
        .filter(
          (e) =>
            e.type === 'pageview' &&
            f.sessions.find((s) => s.id === e.session_id)!.browser === row.value,
        );
      expect(row.pageviews).toBe(pv.length);
    }
    // event dimension: pages, with a negated session filter and a wildcard
    const pages = await get(
      `/api/reports/breakdown?websiteId=site-1&${range}&by=page&browser=!Safari&page=/blog/*&limit=50`,
    );
    const pvs = o.eventSet(from, to, {
      session: (s) => s.browser !== 'Safari',
      event: (e) => e.type === 'pageview' && /^\/blog\//.test(e.path ?? ''),
    });
    const byPage = new Map<string, EventRow[]>();
    for (const e of pvs) byPage.set(e.path!, [...(byPage.get(e.path!) ?? []), e]);
    expect(
      Object.fromEntries(
        (pages.body.results as Json[]).map((x) => [x.value, [x.pageviews, x.visitors]]),
      ),
    ).toEqual(
      Object.fromEntries(
        [...byPage].map(([k, v]) => [k, [v.length, new Set(v.map((e) => e.visitor_id)).size]]),
      ),
    );
    // custom property breakdown
    const plans = await get(`/api/reports/breakdown?websiteId=site-1&${range}&by=prop.plan`);
    const custom = o.eventSet(from, to).filter((e) => e.props && JSON.parse(e.props).plan);
    const byPlan = new Map<string, number>();
    for (const e of custom)
      byPlan.set(JSON.parse(e.props!).plan, (byPlan.get(JSON.parse(e.props!).plan) ?? 0) + 1);
    expect(
      Object.fromEntries((plans.body.results as Json[]).map((x) => [x.value, x.events])),
    ).toEqual(Object.fromEntries(byPlan));
    // a numeric property filters by its text form
    const cents = await get(`/api/reports/overview?websiteId=site-1&${range}&prop.cents=900`);
    expect(cents.body.metrics.visits).toBe(
      o.sessionSet(from, to, { event: (e) => !!e.props && JSON.parse(e.props).cents === 900 })
        .length,
    );
  });

  it('pages: views, visitors, entries, bounce rate, time on page, scroll depth', async () => {
    const f = await data();
    const o = oracle(f.sessions, f.events);
    const from = START;
    const to = START + SPAN;
    const r = await get(
      `/api/reports/pages?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&limit=100`,
    );
    for (const row of r.body.results as Json[]) {
      const ev = o.eventSet(from, to).filter((e) => e.path === row.page);
      const pv = ev.filter((e) => e.type === 'pageview');
      const sc = ev.filter((e) => e.type === 'scroll');
      const entries = o.sessionSet(from, to).filter((s) => s.entryPath === row.page);
      expect(row).toEqual({
        page: row.page,
        pageviews: pv.length,
        visitors: new Set(pv.map((e) => e.visitor_id)).size,
        entries: entries.length,
        bounceRate: entries.length
          ? round((100 * entries.filter((s) => s.pageviews <= 1).length) / entries.length, 1)
          : 0,
        timeOnPage: sc.length
          ? Math.round(sc.reduce((a, e) => a + e.engaged_ms!, 0) / sc.length / 1000)
          : null,
        scrollDepth: sc.length
          ? Math.round(sc.reduce((a, e) => a + e.scroll_depth!, 0) / sc.length)
          : null,
      });
    }
    expect(r.body.results.length).toBe(
      new Set(
        o
          .eventSet(from, to)
          .filter((e) => e.type === 'pageview')
          .map((e) => e.path),
      ).size,
    );
  });

  it('sessions: distributions and paths', async () => {
    const f = await data();
    const o = oracle(f.sessions, f.events);
    const from = START;
    const to = START + SPAN;
    const r = await get(
      `/api/reports/sessions?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
    );
    const ss = o.sessionSet(from, to);
    expect(r.body.sessions).toBe(ss.length);
    const total = (r.body.pagesPerSession as Json[]).reduce((a, b) => a + b.sessions, 0);
    expect(total).toBe(ss.length);
    expect(r.body.pagesPerSession.find((b: Json) => b.bucket === '1').sessions).toBe(
      ss.filter((s) => s.pageviews === 1).length,
    );
    expect((r.body.durations as Json[]).reduce((a, b) => a + b.sessions, 0)).toBe(ss.length);
    // the most common move, counted by hand
    const moves = new Map<string, number>();
    for (const s of ss) {
      const pv = f.events
        .filter(
          (e) =>
            e.session_id === s.id &&
            e.type === 'pageview' &&
            e.ts >= s.startedAt &&
            e.ts <= s.endedAt,
        )
        .sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
      for (let i = 1; i < pv.length; i++) {
        const k = `${pv[i - 1]!.path}>${pv[i]!.path}`;
        moves.set(k, (moves.get(k) ?? 0) + 1);
      }
    }
    const top20 = [...moves]
      .map(([k, n]) => ({ from: k.split('>')[0], to: k.split('>')[1], sessions: n }))
      .sort((a, b) =>
        b.sessions !== a.sessions
          ? b.sessions - a.sessions
          : a.from !== b.from
            ? a.from! < b.from!
              ? -1
              : 1
            : a.to! < b.to!
              ? -1
              : a.to! > b.to!
                ? 1
                : 0,
      )
      .slice(0, 20);
    expect(r.body.paths).toEqual(top20);
    // both distributions, bucket by bucket
    const bound = [10_000, 30_000, 60_000, 180_000, 600_000, 1_800_000, Infinity];
    const durationOf = (ms: number) => bound.findIndex((b) => ms < b);
    expect((r.body.durations as Json[]).map((b) => b.sessions)).toEqual(
      bound.map((_, i) => ss.filter((x) => durationOf(x.endedAt - x.startedAt) === i).length),
    );
    const pagesOf = (n: number) => (n >= 10 ? 6 : n >= 5 ? 5 : n);
    expect((r.body.pagesPerSession as Json[]).map((b) => b.sessions)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => ss.filter((x) => pagesOf(x.pageviews) === i).length),
    );
  });

  it('pageviews under session filters over ranges that cut through sessions', async () => {
    const f = await data();
    const o = oracle(f.sessions, f.events);
    // boundaries inside sessions: some start before the range and have events in it, others
    // have events after its end
    const long = f.sessions
      .filter((s) => s.endedAt - s.startedAt > 60_000)
      .sort((a, b) => a.startedAt - b.startedAt);
    const mid = (s: Session) => Math.floor((s.startedAt + s.endedAt) / 2);
    const straddles = (t: number) => f.sessions.some((s) => s.startedAt < t && s.endedAt >= t);
    const at = (q: number) => mid(long[Math.floor(q * long.length)]!);
    // the middle half matches events to the filtered sessions' ids; a short range near the end,
    // with a long history before it, joins each event to its session instead: both must agree
    // with the raw rows
    const ranges: [number, number, 'ids' | 'join'][] = [
      [at(1 / 4), at(3 / 4), 'ids'],
      [at(0.9), at(0.95), 'join'],
    ];
    for (const [from, to, path] of ranges) {
      expect(straddles(from) && straddles(to)).toBe(true);
      expect(idMatchSpan(f.database.sqlite, 'site-1', [from, to]) ? 'ids' : 'join').toBe(path);
      await sessionFiltered(o, from, to);
    }
  });

  async function sessionFiltered(o: ReturnType<typeof oracle>, from: number, to: number) {
    const f = await data();
    const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const isPv = (e: EventRow) => e.type === 'pageview';
    const cases: [string, Pred['session']][] = [
      ['country=DE', (s) => s.country === 'DE'],
      [
        'browser=!Safari&country=DE|US',
        (s) => s.browser !== 'Safari' && s.country !== 'FR' && s.country !== 'IN',
      ],
      ['source=google', (s) => s.source === 'google'],
      ['country=XX', () => false],
      // every session, among them those cut by the boundaries
      ['browser=!None', () => true],
    ];
    for (const [filter, session] of cases) {
      const ov = await get(`/api/reports/overview?websiteId=site-1&${range}&${filter}`);
      expect(ov.body.metrics.pageviews).toBe(o.eventSet(from, to, { session, event: isPv }).length);
      const span = to - from;
      expect(ov.body.previous.pageviews).toBe(
        o.eventSet(from - span, from, { session, event: isPv }).length,
      );
      // hourly buckets: the bucketed range, each bucket cutting sessions
      const t = await get(
        `/api/reports/timeseries?websiteId=site-1&${range}&interval=hour&timezone=UTC&${filter}`,
      );
      const perHour = new Map<string, number>();
      for (const e of o.eventSet(from, to, { session, event: isPv })) {
        const k = local(e.ts, 'UTC', 'hour');
        perHour.set(k, (perHour.get(k) ?? 0) + 1);
      }
      expect(
        Object.fromEntries(
          (t.body.points as Json[]).filter((x) => x.pageviews).map((x) => [x.bucket, x.pageviews]),
        ),
      ).toEqual(Object.fromEntries(perHour));
      // combined with an event filter, by an event dimension
      const pages = await get(
        `/api/reports/breakdown?websiteId=site-1&${range}&by=page&page=/blog/*&${filter}&limit=50`,
      );
      const byPage = new Map<string, number>();
      for (const e of o.eventSet(from, to, {
        session,
        event: (e) => isPv(e) && /^\/blog\//.test(e.path ?? ''),
      }))
        byPage.set(e.path!, (byPage.get(e.path!) ?? 0) + 1);
      expect(
        Object.fromEntries((pages.body.results as Json[]).map((x) => [x.value, x.pageviews])),
      ).toEqual(Object.fromEntries(byPage));
      // by a session dimension: sessions inside the range bring their counters, those cut by a
      // boundary their pageviews in it
      const browsers = await get(
        `/api/reports/breakdown?websiteId=site-1&${range}&by=browser&${filter}&limit=50`,
      );
      const byBrowser = new Map<string, number>();
      for (const e of o.eventSet(from, to, { session, event: isPv })) {
        const b = f.sessions.find((s) => s.id === e.session_id)!.browser ?? 'null';
        byBrowser.set(b, (byBrowser.get(b) ?? 0) + 1);
      }
      // (a row per value of the sessions that started in the range)
      const rows = browsers.body.results as Json[];
      expect(rows.length).toBe(
        new Set(o.sessionSet(from, to, { session }).map((s) => s.browser ?? 'null')).size,
      );
      for (const x of rows)
        expect([x.value, x.pageviews]).toEqual([x.value, byBrowser.get(x.value ?? 'null') ?? 0]);
      // an empty range
      const empty = await get(
        `/api/reports/overview?websiteId=site-1&from=${new Date(from).toISOString()}&to=${new Date(from).toISOString()}&${filter}`,
      );
      expect(empty.status === 400 || empty.body.metrics.pageviews === 0).toBe(true);
    }
  }

  it('an empty range answers zeros, not errors', async () => {
    const r = await get('/api/reports/overview?websiteId=site-1&from=2020-01-01&to=2020-01-02');
    expect(r.body.metrics).toEqual({
      visitors: 0,
      visits: 0,
      pageviews: 0,
      viewsPerVisit: 0,
      bounceRate: 0,
      visitDuration: 0,
    });
    expect(r.body.change.visitors).toBeNull();
    const t = await get('/api/reports/timeseries?websiteId=site-1&from=2020-01-01&to=2020-01-02');
    expect(t.body.points.map((p: Json) => p.visits)).toEqual(new Array(48).fill(0));
    expect(
      (await get('/api/reports/breakdown?websiteId=site-1&from=2020-01-01&to=2020-01-02&by=page'))
        .body.results,
    ).toEqual([]);
  });

  it('invalid parameters answer 400 with what was wrong', async () => {
    const cases: [string, RegExp][] = [
      [
        'overview?websiteId=site-1&timezone=Mars/Base',
        /timezone: "Mars\/Base" is not an IANA time zone/,
      ],
      ['overview?websiteId=site-1&period=fortnight', /period: "fortnight" is not one of/],
      ['overview?websiteId=site-1&from=2024-03-10&to=2024-03-01', /from must be before to/],
      ['overview?websiteId=site-1&from=2024-03-10', /give both/],
      ['overview?websiteId=site-1&from=yesterday&to=2024-03-01', /from: "yesterday" is not a date/],
      ['overview?websiteId=site-1&period=7d&from=2024-03-01', /either period or from\/to/],
      ['overview?websiteId=site-1&flavour=x', /flavour" is not a dimension/],
      ['breakdown?websiteId=site-1&by=shoe_size', /by: "shoe_size" is not a dimension/],
      ['breakdown?websiteId=site-1&by=prop.a%27b', /property key/],
      ['breakdown?websiteId=site-1', /by: required/],
      [
        'timeseries?websiteId=site-1&period=12mo&interval=hour',
        /hour buckets cover at most 93 days/,
      ],
      ['timeseries?websiteId=site-1&interval=fortnight', /interval/],
      ['overview', /websiteId: required/],
    ];
    for (const [path, message] of cases) {
      const r = await get(`/api/reports/${path}`);
      expect(r.status, path).toBe(400);
      expect(r.body.error.message, path).toMatch(message);
    }
    expect((await get('/api/reports/overview?websiteId=nope')).status).toBe(404);
  });
});
