/**
 * The column store against the SQL path: generated traffic, many random parameter combinations
 * (ranges cutting sessions, every interval, time zones with DST and half- or quarter-hour
 * offsets, each filter op, combined filters, limits and offsets), every answer deep-equal; and
 * freshness: rows ingested after the build show in the next answer, deleted ones do not.
 */
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addKey } from '../../queries/test-fixtures.js';
import { createRawEvents } from '../../raw/events.js';
import { ingestApp } from '../../routes/ingest-fixtures.js';
import { chunk, ev } from '../../replay/test-helpers.js';
import { dimension } from '../dimensions.js';
import type { Filter, FilterOp } from '../filters.js';
import { generate } from '../oracle.js';
import type { ReportParams } from '../params.js';
import { prng } from '../prng.js';
import { createReports } from '../reports.js';
import { createBehaviour, type FunnelStep } from '../behaviour.js';
import { runQuery } from '../query.js';
import { createColumnQuery } from './query.js';
import { createColumnReports } from './reports.js';
import type { Interval } from '../time.js';
import { compareText } from './dictionary.js';
import { helperReady, helperStats, splitAt } from './helper-thread.js';
import {
  ColumnStore,
  SESSION_DIMS,
  columnStartFromEnv,
  columnStoreFor,
  defaultMaxEvents,
} from './store.js';

const DAY = 86_400_000;
const START = Date.parse('2024-03-07T00:00:00Z'); // spans the US DST change of 2024-03-10
const SPAN = 8 * DAY;
const ZONES = [
  'UTC',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Asia/Kathmandu',
  'Europe/Berlin',
];

type Fixture = Awaited<ReturnType<typeof generate>>;
let fixture: Fixture | undefined;

/** Posts a pageview of site-1 on `path` through the app; answers its status. */
async function postPageview(
  f: Fixture,
  path: string,
  ids: { visitorId: string; sessionId: string; eventId: string },
  timestamp: number,
): Promise<number> {
  const body = {
    type: 'pageview',
    websiteId: 'site-1',
    href: `https://example.com${path}`,
    ...ids,
  };
  return (await f.post('/collect', { ...body, timestamp })).status;
}

/** Generated traffic, plus pages and referrers whose order differs between UTF-16 and UTF-8. */
async function data(): Promise<Fixture> {
  if (fixture) return fixture;
  const f = await generate(7, START, SPAN, 70);
  const odd = ['/caf\u00e9', '/\u{1f600}', '/\ue000', '/Z', '/a b', '/blog/[x]?'];
  let n = 0;
  for (const [i, page] of odd.entries()) {
    for (let k = 0; k <= i % 3; k++) {
      const t = START + 2 * DAY + i * 3_600_000 + k * 60_000;
      f.setNow(t + 1000);
      await f.post(
        '/collect',
        {
          type: 'pageview',
          websiteId: 'site-1',
          href: `https://example.com${encodeURI(page)}`,
          referrer: k ? `https://ref.example/${page}` : null,
          visitorId: `odd-${i}`,
          sessionId: `odd-${i}`,
          eventId: `odd-${++n}`,
          timestamp: t,
        },
        { 'cf-ipcountry': 'CH', 'accept-language': 'fr-CH' },
      );
    }
  }
  // identified visitors (active users counts users too): some share a user id
  for (let v = 0; v < 12; v++) {
    const t = START + (v % 6) * DAY + 5_000;
    f.setNow(t + 1000);
    await f.post('/collect', {
      type: 'identify',
      websiteId: 'site-1',
      href: 'https://example.com/',
      userId: `user-${v % 5}`,
      visitorId: `visitor-${v}`,
      sessionId: `session-${v}-1`,
      eventId: `identify-${v}`,
      timestamp: t,
    });
  }
  // sessions of 9 and 10 pageviews whose requests arrive latest first (paths must order them)
  for (const views of [9, 10]) {
    for (let k = views - 1; k >= 0; k--) {
      const t = START + 5 * DAY + views * 60_000 + k * 30_000;
      f.setNow(START + 6 * DAY);
      await f.post('/collect', {
        type: 'pageview',
        websiteId: 'site-1',
        href: `https://example.com/step-${k % 4}`,
        visitorId: `long-${views}`,
        sessionId: `long-${views}`,
        eventId: `long-${views}-${k}`,
        timestamp: t,
      });
    }
  }
  // raw writes (with the counters the writer keeps): a pageview without a path, from which no
  // move starts, and scroll rows missing depth or engaged time (averages skip NULL)
  const raw = (
    id: string,
    ts: number,
    type: string,
    path: string | null,
    depth: number | null,
    ms: number | null,
  ) => {
    const db = f.database.sqlite;
    db.prepare(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type, path, scroll_depth, engaged_ms)
       VALUES ('site-1', ?, ?, 'long-10', 'long-10', ?, ?, ?, ?)`,
    ).run(ts, id, type, path, depth, ms);
    db.prepare(
      `UPDATE sessions SET events = events + 1, pageviews = pageviews + ? WHERE id = 'long-10'`,
    ).run(type === 'pageview' ? 1 : 0);
    db.prepare(
      `INSERT INTO event_rollups (website_id, hour, type, name, path, events)
       VALUES ('site-1', ?, ?, '', ?, 1) ON CONFLICT DO UPDATE SET events = events + 1`,
    ).run(ts - (ts % 3_600_000), type, path ?? '');
  };
  const mid = START + 5 * DAY + 10 * 60_000 + 45_000; // inside session long-10
  raw('no-path-1', mid, 'pageview', null, null, null);
  raw('scroll-1', mid + 1, 'scroll', '/step-1', null, 4000);
  raw('scroll-2', mid + 2, 'scroll', '/step-1', 35, null);
  raw('scroll-3', mid + 3, 'scroll', '/step-2', 80, 9000);
  // another website, with a session id and visitor id that site-1 uses too
  for (let k = 0; k < 4; k++) {
    const t = START + DAY + k * 3_600_000;
    f.setNow(t + 1000);
    await f.post('/collect', {
      type: 'pageview',
      websiteId: 'site-2',
      href: `https://example.com/other-${k % 2}`,
      visitorId: 'visitor-1',
      sessionId: k < 2 ? 'session-1-1' : 'other-2',
      eventId: `other-${k}`,
      timestamp: t,
    });
  }
  // a session whose last pageview falls exactly on a midnight (UTC): a bucket's end
  for (const [k, t] of [START + 4 * DAY - 60_000, START + 4 * DAY].entries()) {
    f.setNow(t + 1000);
    await f.post('/collect', {
      type: 'pageview',
      websiteId: 'site-1',
      href: `https://example.com/midnight-${k}`,
      visitorId: 'midnight',
      sessionId: 'midnight',
      eventId: `midnight-${k}`,
      timestamp: t,
    });
  }
  // the session that ends last, on its only view of a page: held exactly at the latest end
  for (const [k, page] of ['/before-last', '/only-last'].entries()) {
    const t = START + SPAN + DAY + k * 60_000;
    f.setNow(t + 1000);
    await postPageview(f, page, { visitorId: 'last', sessionId: 'last', eventId: `last-${k}` }, t);
  }
  // an event whose session is unknown (only raw writes make one), with its rollup count as the
  // writer keeps it: counted where SQL counts it
  const t = START + 3 * DAY;
  f.database.sqlite
    .prepare(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type, path)
       VALUES ('site-1', ?, 'orphan-1', 'no-such-session', 'visitor-x', 'pageview', '/pricing')`,
    )
    .run(t);
  f.database.sqlite
    .prepare(
      `INSERT INTO event_rollups (website_id, hour, type, name, path, events)
       VALUES ('site-1', ?, 'pageview', '', '/pricing', 1)
       ON CONFLICT DO UPDATE SET events = events + 1`,
    )
    .run(t - (t % 3_600_000));
  fixture = f;
  return f;
}

const sql = (f: Fixture) => createReports(f.database.sqlite, null);
const cols = (f: Fixture) => createReports(f.database.sqlite, columnStoreFor(f.database.sqlite));

/** The distinct values of a column, for filters that match something. */
function values(f: Fixture, sqlText: string): string[] {
  return f
    .all<{ v: string | null }>(sqlText)
    .map((r) => r.v)
    .filter((v): v is string => v !== null);
}

function randomParams(f: Fixture, r: ReturnType<typeof prng>): ReportParams {
  const interval = r.pick<Interval>(['hour', 'day', 'day', 'week', 'month', 'year']);
  // ranges inside, around and outside the data, cutting through sessions
  const from = START - 2 * DAY + Math.floor(r.next() * (SPAN + 3 * DAY));
  const len =
    interval === 'hour' ? 1 + Math.floor(r.next() * 4 * DAY) : 1 + Math.floor(r.next() * 20 * DAY);
  const filters: Filter[] = [];
  for (let k = r.int(0, 3); k > 0; k--) filters.push(randomFilter(f, r));
  // a range ending exactly on an event (which it then excludes) or starting on one
  let to = from + len;
  const onEvent = r.next();
  if (onEvent < 0.2) to = Math.max(from + 1, r.pick(f.events).ts);
  const start = onEvent > 0.8 ? Math.min(to - 1, r.pick(f.events).ts) : from;
  return {
    websiteId: r.next() < 0.9 ? 'site-1' : 'site-2',
    from: start,
    to,
    timezone: r.pick(ZONES),
    interval,
    filters,
  };
}

/** The parameters as a test label (filters by dimension name, op and values). */
const labelOf = (p: ReportParams) =>
  JSON.stringify({ ...p, filters: p.filters.map((x) => [x.dimension.name, x.op, x.values]) });

/** Every generated event's range, unfiltered. */
const wholeRange = (): ReportParams => ({
  websiteId: 'site-1',
  from: START - DAY,
  to: START + SPAN + DAY,
  timezone: 'UTC',
  interval: 'day',
  filters: [],
});

const sessionColumns = new Map(SESSION_DIMS.map((d) => [d.name, d.column]));

function randomFilter(f: Fixture, r: ReturnType<typeof prng>): Filter {
  const name = r.pick([
    ...SESSION_DIMS.map((d) => d.name),
    'page',
    'page',
    'event',
    'type',
    'country',
    'browser',
    'prop.plan',
    'prop.cents',
  ]);
  const column = sessionColumns.get(name);
  const pool =
    column !== undefined
      ? values(f, `SELECT DISTINCT ${column} AS v FROM sessions`)
      : name.startsWith('prop.')
        ? values(
            f,
            `SELECT DISTINCT CAST(json_extract(props, '$.${name.slice(5)}') AS TEXT) AS v FROM events`,
          )
        : name === 'page'
          ? values(f, 'SELECT DISTINCT path AS v FROM events')
          : name === 'type'
            ? values(f, 'SELECT DISTINCT type AS v FROM events')
            : values(
                f,
                "SELECT DISTINCT CASE WHEN type = 'custom' THEN name ELSE type END AS v FROM events",
              );
  const op = r.pick<FilterOp>(['is', 'is_not', 'matches', 'does_not_match']);
  const one = () => (pool.length && r.next() < 0.85 ? r.pick(pool) : 'nothing-like-it');
  const vals: string[] = [];
  for (let k = r.int(1, 2); k > 0; k--) {
    const v = one();
    if (op === 'matches' || op === 'does_not_match') {
      const cut = Math.floor(r.next() * (v.length + 1));
      vals.push(r.next() < 0.5 ? `${v.slice(0, cut)}*` : `*${v.slice(cut)}`);
    } else vals.push(v);
  }
  return { dimension: dimension(name), op, values: vals };
}

/** One pageview of site-1 on 2024-03-08, through `/collect`. */
async function onePageview(
  f: ReturnType<typeof ingestApp>,
  at = '2024-03-08T10:00:00Z',
  more: Record<string, string> = {},
): Promise<void> {
  const t = Date.parse(at);
  f.setNow(t);
  await f.post('/collect', {
    type: 'pageview',
    websiteId: 'site-1',
    href: 'https://example.com/',
    visitorId: 'v1',
    sessionId: 's1',
    eventId: 'e1',
    timestamp: t,
    ...more,
  });
}

/** A query of site-1 by day and browser, counting events, visitors and sessions, over UTC days. */
function byDayAndBrowser(from: string, to: string) {
  return {
    websiteId: 'site-1',
    from: Date.parse(`${from}T00:00:00Z`),
    to: Date.parse(`${to}T00:00:00Z`),
    timezone: 'UTC',
    filters: [],
    groupBy: ['day', 'browser'],
    metrics: ['count', 'visitors', 'sessions'],
    sort: [],
    limit: 10,
  };
}

const BY = [...SESSION_DIMS.map((d) => d.name), 'page', 'event', 'type', 'prop.plan', 'prop.cents'];

describe('column store', () => {
  beforeAll(async () => {
    const f = await data();
    await columnStoreFor(f.database.sqlite).build();
  });

  it('is built and holds every event and session', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    expect(store.state).toBe('ready');
    const n = f.all<{ e: number; s: number }>(
      'SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sessions) AS s',
    )[0]!;
    expect(store.size()).toMatchObject({ events: n.e, sessions: n.s });
    expect(f.all("SELECT 1 FROM events WHERE website_id = 'site-2'").length).toBe(4);
  });

  it('orders text as SQLite does (bytes of UTF-8), NULL first', () => {
    const words = [null, 'b', 'a', '\ue000', '\u{1f600}', 'caf\u00e9', 'cafe', '', 'Z'];
    const bySqlite = words
      .slice()
      .sort((a, b) =>
        a === null ? -1 : b === null ? 1 : Buffer.compare(Buffer.from(a), Buffer.from(b)),
      );
    expect(words.slice().sort(compareText)).toEqual(bySqlite);
  });

  it.each([
    ['4096-row blocks', 0, false, false],
    ['8-row blocks, page rows', 3, true, false],
    ['8-row blocks, page scans', 3, false, false],
    ['every pass split over two threads', 0, false, true],
  ])(
    'answers exactly what SQL answers, for random parameters (%s)',
    async (_, shift, pageRows, twoThreads) => {
      if (twoThreads) await helperUp();
      const at = { ...splitAt };
      const tasks = { ...helperStats.byTask };
      if (twoThreads)
        for (const k of Object.keys(splitAt) as (keyof typeof splitAt)[]) splitAt[k] = 1;
      onTestFinished(() => void Object.assign(splitAt, at));
      const f = await data();
      const store = shift
        ? new ColumnStore(f.database.sqlite, { blockShift: shift })
        : columnStoreFor(f.database.sqlite);
      await store.build();
      // small blocks (many wholly inside a range), and page filters reading their pages' rows
      // instead of scanning
      if (pageRows) store.pathRowsShare = 1;
      const a = sql(f);
      const b = createReports(f.database.sqlite, store);
      const r = prng(20240310 + shift + Number(pageRows));
      const before = store.stats.answered;
      let nonEmpty = 0;
      for (let i = 0; i < 400; i++) {
        const p = randomParams(f, r);
        const label = labelOf(p);
        const o = a.overview(p);
        expect(b.overview(p), label).toEqual(o);
        if (o.metrics.visits > 0) nonEmpty++;
        expect(b.timeseries(p), label).toEqual(a.timeseries(p));
        const by = r.pick(BY);
        const limit = r.pick([1, 3, 10, 50]);
        const offset = r.pick([0, 0, 1, 2, 5]);
        expect(b.breakdown(p, by, limit, offset), `${label} by ${by} ${limit}+${offset}`).toEqual(
          a.breakdown(p, by, limit, offset),
        );
      }
      expect(nonEmpty).toBeGreaterThan(100);
      // each call answered from the columns (overview twice: current and previous)
      expect(store.stats.answered - before).toBe(400 * 4);
      // the overviews and time series, and the breakdowns by a session dimension (about half),
      // each split where it had sessions
      const took = (k: keyof typeof tasks) => (helperStats.byTask[k] ?? 0) - (tasks[k] ?? 0);
      if (twoThreads) {
        expect(took('groupPass')).toBeGreaterThan(100);
        expect(took('runSums')).toBeGreaterThan(400);
      }
    },
    60_000,
  );

  it('counts the pageviews of sessions whose last pageview is the range end exactly as SQL', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const before = store.stats.answered;
    const a = sql(f);
    const b = cols(f);
    // ranges ending on sessions' last pageviews: the session is cut, its last pageview left out
    const ends = f.all<{ t: number }>(
      `SELECT s.ended_at AS t FROM sessions s JOIN events e
         ON e.session_id = s.id AND e.ts = s.ended_at AND e.type = 'pageview'
       WHERE s.website_id = 'site-1' AND s.pageviews > 1 ORDER BY s.ended_at LIMIT 20`,
    );
    expect(ends.length).toBeGreaterThan(5);
    for (const { t } of ends) {
      const p: ReportParams = { ...wholeRange(), to: t };
      for (const by of ['browser', 'source', 'page'])
        expect(b.breakdown(p, by, 10, 0), `to ${t} by ${by}`).toEqual(a.breakdown(p, by, 10, 0));
    }
    expect(store.stats.answered - before).toBe(ends.length * 3);
  });

  it('answers a query by session dimensions from sessions, cut by the range or a bucket, as SQL', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    const cq = createColumnQuery(store, createColumnReports(store).scans);
    await store.build();
    const before = store.stats.answered;
    // ranges ending on sessions' last events: the session is cut, its last event left out
    const ends = f.all<{ t: number }>(
      `SELECT ended_at AS t FROM sessions WHERE website_id = 'site-1' AND events > 1
       ORDER BY ended_at LIMIT 20`,
    );
    expect(ends.length).toBeGreaterThan(5);
    const metrics = ['count', 'visitors', 'sessions'];
    const specs = ends.flatMap(({ t }) => [
      { ...wholeRange(), to: t, groupBy: ['browser'], metrics, sort: [], limit: 1000 },
      { ...wholeRange(), to: t, groupBy: ['day', 'country'], metrics, sort: [], limit: 1000 },
    ]);
    // and by day: the session whose last pageview is a midnight ends in the next day's bucket
    specs.push({ ...wholeRange(), groupBy: ['day', 'device'], metrics, sort: [], limit: 1000 });
    for (const spec of specs)
      expect(runQuery(f.database.sqlite, spec, cq), labelOf(spec)).toEqual(
        runQuery(f.database.sqlite, spec),
      );
    expect(store.stats.answered - before).toBe(specs.length);
  });

  it('counts a query by sessions with their counters and visitors, as SQL does', async () => {
    const f = ingestApp();
    const store = columnStoreFor(f.database.sqlite);
    const cq = createColumnQuery(store, createColumnReports(store).scans);
    await onePageview(f);
    await store.build();
    // the same session id sent with a second visitor id: a whole session counts its own visitor
    await onePageview(f, '2024-03-08T10:05:00Z', { visitorId: 'v2', eventId: 'e2' });
    const spec = {
      websiteId: 'site-1',
      from: Date.parse('2024-03-08T00:00:00Z'),
      to: Date.parse('2024-03-09T00:00:00Z'),
      timezone: 'UTC',
      filters: [],
      groupBy: ['browser'],
      metrics: ['count', 'visitors', 'sessions'],
      sort: [],
      limit: 10,
    };
    const want = runQuery(f.database.sqlite, spec);
    expect(want.rows).toEqual([{ browser: 'Chrome', count: 2, visitors: 1, sessions: 1 }]);
    const before = store.stats.answered;
    expect(runQuery(f.database.sqlite, spec, cq)).toEqual(want);
    expect(store.stats.answered).toBe(before + 1);
    store.reset();
  });

  it('counts a query by sessions in the bucket of each session, whatever order they came in', async () => {
    const f = ingestApp();
    const store = columnStoreFor(f.database.sqlite);
    const cq = createColumnQuery(store, createColumnReports(store).scans);
    await onePageview(f, '2024-03-08T10:00:00Z');
    await onePageview(f, '2024-03-10T10:00:00Z', {
      visitorId: 'v3',
      sessionId: 's3',
      eventId: 'e3',
    });
    await store.build();
    // a session of an earlier day arriving last: its ordinal follows a later day's
    await onePageview(f, '2024-03-09T10:00:00Z', {
      visitorId: 'v2',
      sessionId: 's2',
      eventId: 'e2',
    });
    const spec = byDayAndBrowser('2024-03-08', '2024-03-11');
    const want = runQuery(f.database.sqlite, spec);
    expect(want.rows.map((r) => r.day)).toEqual(['2024-03-08', '2024-03-09', '2024-03-10']);
    const before = store.stats.answered;
    expect(runQuery(f.database.sqlite, spec, cq)).toEqual(want);
    expect(store.stats.answered).toBe(before + 1);
    // the time series too: its sessions out of start order, counted per bucket after a sort
    const p: ReportParams = {
      websiteId: 'site-1',
      from: spec.from,
      to: spec.to,
      timezone: 'UTC',
      interval: 'day',
      filters: [],
    };
    const series = createReports(f.database.sqlite, null).timeseries(p);
    expect(series.points.map((r) => r.visits)).toEqual([1, 1, 1]);
    expect(createReports(f.database.sqlite, store).timeseries(p)).toEqual(series);
    expect(store.stats.answered).toBe(before + 2);
    store.reset();
  });

  it('counts a visitor of a session a bucket cuts, query after query (no bits left over)', async () => {
    const f = ingestApp();
    const store = columnStoreFor(f.database.sqlite);
    const cq = createColumnQuery(store, createColumnReports(store).scans);
    // one session across midnight: the 9th holds nothing but its second pageview
    await onePageview(f, '2024-03-08T23:50:00Z');
    await onePageview(f, '2024-03-09T00:10:00Z', { eventId: 'e2' });
    await store.build();
    const spec = byDayAndBrowser('2024-03-08', '2024-03-10');
    const want = runQuery(f.database.sqlite, spec);
    const cell = { browser: 'Chrome', count: 1, visitors: 1, sessions: 1 };
    expect(want.rows).toEqual([
      { day: '2024-03-08', ...cell },
      { day: '2024-03-09', ...cell },
    ]);
    // the second time, the cells' visitor bitmaps still hold the first answer's bits: every
    // bucket's are cleared before its sessions or events set any
    const before = store.stats.answered;
    for (let i = 0; i < 2; i++) expect(runQuery(f.database.sqlite, spec, cq)).toEqual(want);
    expect(store.stats.answered).toBe(before + 2);
    store.reset();
  });

  it('answers every breakdown alike over the whole data, with every limit', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    const a = sql(f);
    const b = cols(f);
    const p = wholeRange();
    // with room for all groups' bitmaps at once, and for one at a time (groups counted in order
    // of their counts until no later one can rank)
    const room = store.bitmapBytes;
    for (const bytes of [room, 4])
      for (const by of BY)
        for (const [limit, offset] of [
          [1000, 0],
          [2, 1],
          [5, 3],
          [1, 0],
          [3, 0],
        ] as const) {
          store.bitmapBytes = bytes;
          try {
            expect(b.breakdown(p, by, limit, offset), by).toEqual(
              a.breakdown(p, by, limit, offset),
            );
            const q = { ...p, from: START + DAY, to: START + 3 * DAY };
            expect(b.breakdown(q, by, limit, offset), by).toEqual(
              a.breakdown(q, by, limit, offset),
            );
          } finally {
            store.bitmapBytes = room;
          }
        }
    expect(b.breakdown(p, 'page', 1000, 0).results.length).toBeGreaterThan(8);
  });

  it("holds a session by an event at the latest end of the range's sessions", async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    // the page's rows read from its list, and scanned for
    for (const [tz, share] of [
      ['UTC', store.pathRowsShare],
      ['Asia/Kolkata', 0],
    ] as const) {
      store.pathRowsShare = share;
      const p: ReportParams = {
        websiteId: 'site-1',
        from: START + SPAN,
        to: START + SPAN + 2 * DAY,
        timezone: tz,
        interval: 'day',
        filters: [{ dimension: dimension('page'), op: 'is', values: ['/only-last'] }],
      };
      const o = sql(f).overview(p);
      expect(o.metrics.visits).toBe(1);
      expect(cols(f).overview(p)).toEqual(o);
      expect(cols(f).timeseries(p)).toEqual(sql(f).timeseries(p));
      expect(cols(f).breakdown(p, 'exit_page', 10, 0)).toEqual(
        sql(f).breakdown(p, 'exit_page', 10, 0),
      );
    }
    store.pathRowsShare = 1 / 64;
  });

  it('reads an event-name filter through its rows, beside a page filter', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    const names = values(f, "SELECT DISTINCT name AS v FROM events WHERE type = 'custom'");
    const pages = values(f, "SELECT DISTINCT path AS v FROM events WHERE type = 'custom'");
    expect(names.length).toBeGreaterThan(1);
    const before = store.stats.answered;
    store.pathRowsShare = 1; // every event-name filter is read through its rows
    try {
      let matched = 0;
      for (const name of names)
        for (const page of [null, ...pages.slice(0, 4)]) {
          const filters: Filter[] = [
            { dimension: dimension('event'), op: 'is', values: [name] },
            ...(page
              ? [{ dimension: dimension('page'), op: 'is_not' as const, values: [page] }]
              : []),
          ];
          const p = { ...wholeRange(), filters };
          const o = sql(f).overview(p);
          expect(cols(f).overview(p), labelOf(p)).toEqual(o);
          for (const by of ['event', 'page', 'type', 'browser'])
            expect(cols(f).breakdown(p, by, 50, 0), `${labelOf(p)} by ${by}`).toEqual(
              sql(f).breakdown(p, by, 50, 0),
            );
          if (o.metrics.visits > 0) matched++;
        }
      expect(matched).toBeGreaterThan(names.length);
    } finally {
      store.pathRowsShare = 1 / 64;
    }
    expect(store.stats.answered).toBeGreaterThan(before);
  });

  it('answers pages, sessions, funnels, retention and active users as SQL does', async () => {
    const f = await data();
    const a = sql(f);
    const b = cols(f);
    // the whole data, every page: NULL depth or time is skipped by both averages
    const whole = wholeRange();
    const all = a.pages(whole, 1000, 0);
    expect(b.pages(whole, 1000, 0)).toEqual(all);
    expect(all.results.find((x) => x.page === '/step-1')).toMatchObject({
      timeOnPage: 4,
      scrollDepth: 35,
    });
    const sessions = a.sessions(whole);
    expect(b.sessions(whole)).toEqual(sessions);
    // a session of exactly 9 pageviews, on the edge of the 5-9 bucket
    expect(f.all('SELECT id FROM sessions WHERE pageviews = 9')).toHaveLength(1);
    expect(sessions.pagesPerSession.at(-1)!.sessions).toBe(1);
    const { answered, paths, users } = await reportsAsSql(19);
    expect(paths).toBeGreaterThan(100);
    expect(users).toBeGreaterThan(20);
    // pages, sessions, funnel and active once each, retention once, all from the columns
    expect(answered).toBe(150 * 5);
  });

  it('answers pages, sessions, funnels, retention and active users as SQL does over two threads', async () => {
    await helperUp();
    const at = { ...splitAt };
    const tasks = { ...helperStats.byTask };
    for (const k of Object.keys(splitAt) as (keyof typeof splitAt)[]) splitAt[k] = 1;
    try {
      const { answered } = await reportsAsSql(20);
      expect(answered).toBe(150 * 5);
    } finally {
      Object.assign(splitAt, at);
    }
    // each split taken by the helper where its report had rows (the pages' only without filters)
    const took = (k: keyof typeof tasks) => (helperStats.byTask[k] ?? 0) - (tasks[k] ?? 0);
    for (const k of ['shapesPart', 'transitionPass', 'activeIds', 'entryPart'] as const)
      expect(took(k), k).toBeGreaterThan(50);
    // funnels: filtered ones by visitor parity over their touches, the others copying and
    // walking one parity each
    expect(took('funnelPart')).toBeGreaterThan(20);
    expect(took('parityFunnel')).toBeGreaterThan(10);
    expect(took('rangeViews')).toBeGreaterThan(0);
  });

  it('counts a custom event once in a funnel that names its page and it twice', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    const [sqlPath, columnPath] = [
      createBehaviour(f.database.sqlite, null),
      createBehaviour(f.database.sqlite, store),
    ];
    // a custom event is in its page's row list and its name's: read once, it serves one step
    const e = f.all<{ path: string; name: string }>(
      "SELECT path, name FROM events WHERE type = 'custom' AND website_id = 'site-1' LIMIT 1",
    )[0]!;
    const steps: FunnelStep[] = [
      { type: 'page', value: e.path },
      { type: 'event', value: e.name },
      { type: 'event', value: e.name },
    ];
    const p = wholeRange();
    const before = store.stats.answered;
    const want = sqlPath.funnel(p, steps, 86_400_000);
    expect(columnPath.funnel(p, steps, 86_400_000)).toEqual(want);
    expect(store.stats.answered - before).toBe(1);
    expect(want.steps[1]!.visitors).toBeGreaterThan(want.steps[2]!.visitors);
  });

  it('answers the generic query as SQL does', async () => {
    const { answered, rows } = await queriesAsSql(31);
    expect(rows).toBeGreaterThan(500);
    // all but the few counting sessions over the event of a session not stored (SQL answers)
    expect(answered).toBeGreaterThan(290);
  });

  it('answers the generic query as SQL does with its passes split over two threads', async () => {
    await helperUp();
    const at = { ...splitAt };
    const tasks = helperStats.tasks;
    Object.assign(splitAt, { touches: 1, positions: 1, sessions: 1 });
    try {
      const { answered } = await queriesAsSql(32);
      expect(answered).toBeGreaterThan(290);
    } finally {
      Object.assign(splitAt, at);
    }
    // (a query by time and session dimensions alone goes over sessions: about one in six)
    expect(helperStats.tasks - tasks).toBeGreaterThan(20);
  });

  it('answers custom-property filters and breakdowns as SQL does', async () => {
    const f = await data();
    const store = columnStoreFor(f.database.sqlite);
    const before = store.stats.answered;
    for (const [op, values] of [
      ['is', ['pro']],
      ['is_not', ['pro']],
      ['matches', ['f*']],
      ['is', ['900']],
    ] as const) {
      const p: ReportParams = {
        websiteId: 'site-1',
        from: START,
        to: START + SPAN,
        timezone: 'UTC',
        interval: 'day',
        filters: [
          {
            dimension: dimension(values[0] === '900' ? 'prop.cents' : 'prop.plan'),
            op,
            values: [...values],
          },
        ],
      };
      expect(cols(f).overview(p)).toEqual(sql(f).overview(p));
      for (const by of ['page', 'prop.plan', 'prop.cents', 'prop.none', 'browser'])
        expect(cols(f).breakdown(p, by, 10, 0), by).toEqual(sql(f).breakdown(p, by, 10, 0));
    }
    expect(sql(f).breakdown({ ...range0(), filters: [] }, 'prop.plan', 10, 0).results).toHaveLength(
      2,
    );
    expect(store.stats.answered - before).toBeGreaterThan(20);
  });
});

/**
 * 150 rounds of random parameters (`seed`): pages, sessions, funnel, retention and active users
 * through both paths, each deep-equal; how many the column store answered, the sessions' paths
 * and the monthly users counted.
 */
async function reportsAsSql(seed: number) {
  const f = await data();
  const store = columnStoreFor(f.database.sqlite);
  const a = sql(f);
  const b = cols(f);
  const [aa, bb] = [
    createBehaviour(f.database.sqlite, null),
    createBehaviour(f.database.sqlite, store),
  ];
  const pages = values(f, "SELECT DISTINCT path AS v FROM events WHERE type = 'pageview'");
  const names = values(f, "SELECT DISTINCT name AS v FROM events WHERE type = 'custom'");
  const step = (r: ReturnType<typeof prng>): FunnelStep => {
    const page = r.next() < 0.7;
    const v = r.pick(page ? pages : names);
    const x = r.next();
    // every page (`/*`): the touches then come from every pageview, not a few pages' lists
    const value = x < 0.2 ? `${v.slice(0, 2)}*` : page && x > 0.9 ? '/*' : v;
    return { type: page ? 'page' : 'event', value };
  };
  const r = prng(seed);
  const before = store.stats.answered;
  let paths = 0;
  let users = 0;
  for (let i = 0; i < 150; i++) {
    const p = randomParams(f, r);
    const label = labelOf(p);
    const limit = r.pick([1, 3, 10, 50]);
    const offset = r.pick([0, 0, 1, 2, 5]);
    expect(b.pages(p, limit, offset), `${label} pages ${limit}+${offset}`).toEqual(
      oneThread(() => a.pages(p, limit, offset)),
    );
    const s = oneThread(() => a.sessions(p));
    expect(b.sessions(p), `${label} sessions`).toEqual(s);
    paths += s.paths.length;
    const steps = Array.from({ length: r.int(2, 4) }, () => step(r));
    const window = r.pick([60_000, 3_600_000, 86_400_000]);
    expect(bb.funnel(p, steps, window), `${label} funnel`).toEqual(
      oneThread(() => aa.funnel(p, steps, window)),
    );
    const period = r.pick(['day', 'week'] as const);
    const periods = r.int(1, 8);
    expect(bb.retention(p, period, periods), `${label} retention`).toEqual(
      oneThread(() => aa.retention(p, period, periods)),
    );
    const active = oneThread(() => aa.active(p));
    expect(bb.active(p), `${label} active`).toEqual(active);
    users += active.days.reduce((n, d) => n + d.mauUsers, 0);
  }
  return { answered: store.stats.answered - before, paths, users };
}

/**
 * 300 random generic queries (`seed`) through both paths, each answer deep-equal; how many the
 * column store answered, and the rows.
 */
async function queriesAsSql(seed: number): Promise<{ answered: number; rows: number }> {
  const f = await data();
  const store = columnStoreFor(f.database.sqlite);
  const cq = createColumnQuery(store, createColumnReports(store).scans);
  const r = prng(seed);
  const before = store.stats.answered;
  let rows = 0;
  for (let i = 0; i < 300; i++) {
    const p = randomParams(f, r);
    const groupBy: string[] = [];
    if (r.next() < 0.6)
      groupBy.push(
        r.pick(
          p.to - p.from <= 93 * DAY ? ['hour', 'day', 'week', 'month', 'year'] : ['day', 'week'],
        ),
      );
    for (let k = r.int(0, 2); k > 0; k--) groupBy.push(r.pick(BY));
    const metrics = Array.from({ length: r.int(1, 3) }, () =>
      r.pick([
        'count',
        'visitors',
        'sessions',
        `${r.pick(['sum', 'avg', 'min', 'max'])}:${r.pick(['scroll_depth', 'engaged_ms', 'prop.cents', 'prop.plan'])}`,
      ]),
    );
    const names = [...groupBy, ...metrics];
    const sort = r.next() < 0.5 ? [] : [`${r.next() < 0.5 ? '-' : ''}${r.pick(names)}`];
    const spec = { ...p, groupBy, metrics, sort, limit: r.pick([1, 5, 50, 1000]) };
    const label = labelOf(spec);
    const sqlAnswer = oneThread(() => runQuery(f.database.sqlite, { ...spec }));
    expect(runQuery(f.database.sqlite, { ...spec }, cq), label).toEqual(sqlAnswer);
    rows += sqlAnswer.rows.length;
  }
  return { answered: store.stats.answered - before, rows };
}

/**
 * `run()` with the helper thread off: the SQL path shares the reports' JavaScript (active users'
 * windows, a funnel's walk), which must not split the oracle's answer too.
 */
function oneThread<T>(run: () => T): T {
  const was = process.env.SIGHTLINE_HELPER_THREAD;
  process.env.SIGHTLINE_HELPER_THREAD = 'off';
  try {
    return run();
  } finally {
    if (was === undefined) delete process.env.SIGHTLINE_HELPER_THREAD;
    else process.env.SIGHTLINE_HELPER_THREAD = was;
  }
}

/** Waits until the helper thread takes tasks (it loads in a few hundred ms). */
async function helperUp(): Promise<void> {
  for (let waited = 0; !helperReady() && waited < 20_000; waited += 50)
    await new Promise((ok) => setTimeout(ok, 50));
}

const range0 = (): ReportParams => ({
  websiteId: 'site-1',
  from: START,
  to: START + SPAN,
  timezone: 'UTC',
  interval: 'day',
  filters: [],
});

describe('column store freshness', () => {
  const range = (): ReportParams => ({
    websiteId: 'site-1',
    from: START,
    to: START + SPAN + 30 * DAY,
    timezone: 'UTC',
    interval: 'day',
    filters: [],
  });
  const same = (f: Fixture) => {
    const p = range();
    const b = cols(f);
    const a = sql(f);
    expect(b.overview(p)).toEqual(a.overview(p));
    expect(b.timeseries(p)).toEqual(a.timeseries(p));
    for (const by of ['page', 'browser', 'exit_page'])
      expect(b.breakdown(p, by, 100, 0)).toEqual(a.breakdown(p, by, 100, 0));
    return b.overview(p).metrics;
  };

  it('shows an event ingested after the build in the next answer', async () => {
    const f = await generate(11, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const before = same(f);
    const t = START + SPAN + DAY;
    f.setNow(t + 1000);
    // a new session, and one more pageview of a known one
    for (const [sessionId, visitorId, id] of [
      ['late-1', 'late-visitor', 'late-pv-1'],
      ['session-3-1', 'visitor-3', 'late-pv-2'],
    ] as const)
      expect(await postPageview(f, '/late', { visitorId, sessionId, eventId: id }, t)).toBe(202);
    const answered = store.stats.answered;
    const after = same(f);
    expect(store.stats.answered).toBeGreaterThan(answered);
    expect(after.pageviews).toBe(before.pageviews + 2);
    expect(after.visits).toBe(before.visits + 1);
    expect(store.state).toBe('ready');
    // appended from the writer's commits, not read back
    expect(store.stats.accepted).toBe(2);
  });

  it('moves a session to its new duration bucket when a click alone extends it', async () => {
    const f = await generate(14, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const [short] = f.all<{ id: string; visitor: string; start: number }>(
      `SELECT id, visitor_id AS visitor, started_at AS start FROM sessions
       WHERE website_id = 'site-1' AND ended_at - started_at < 10000 ORDER BY started_at LIMIT 1`,
    );
    const t = short!.start + 5 * 60_000;
    f.setNow(t + 1000);
    const click = {
      metadata: {
        websiteId: 'site-1',
        sessionId: short!.id,
        visitorId: short!.visitor,
        url: 'https://example.com/',
      },
      analytics: [{ type: 'click', tag: 'A', x: 1, y: 1, timestamp: t, eventId: 'late-click' }],
    };
    expect((await f.post('/api/events', click)).status).toBe(202);
    const p: ReportParams = { ...range(), filters: [] };
    const report = cols(f).sessions(p);
    expect(report).toEqual(sql(f).sessions(p));
    expect(
      f.all(`SELECT ended_at - started_at AS d FROM sessions WHERE id = '${short!.id}'`),
    ).toEqual([{ d: 5 * 60_000 }]);
  });

  it("links a new session's pageviews, appended before the session, for the paths", async () => {
    const f = await generate(12, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const t = START + SPAN + DAY;
    f.setNow(t + 60_000);
    // appended from the writer's commits while the session is not in the columns yet
    for (const [k, path] of ['/a', '/b', '/a', '/c'].entries())
      expect(
        await postPageview(
          f,
          path,
          { visitorId: 'path-visitor', sessionId: 'path-session', eventId: `path-${k}` },
          t + k * 1000,
        ),
      ).toBe(202);
    expect(store.stats.accepted).toBe(4);
    const p: ReportParams = { ...range(), from: t - DAY, to: t + DAY };
    const answered = store.stats.answered;
    const report = cols(f).sessions(p);
    expect(store.stats.answered).toBeGreaterThan(answered);
    expect(report).toEqual(sql(f).sessions(p));
    expect(report.paths.map((m) => [m.from, m.to, m.sessions])).toEqual(
      expect.arrayContaining([
        ['/a', '/b', 1],
        ['/b', '/a', 1],
        ['/a', '/c', 1],
      ]),
    );
    // a page filter reads the session of each of its rows from the page's tags, set on linking
    const onA: ReportParams = {
      ...p,
      filters: [{ dimension: dimension('page'), op: 'is', values: ['/a'] }],
    };
    const o = sql(f).overview(onA);
    expect(o.metrics).toMatchObject({ visits: 1, pageviews: 2 });
    expect(cols(f).overview(onA)).toEqual(o);
  });

  it('reads back what another writer inserted between two commits', async () => {
    const f = await generate(13, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const t = START + SPAN + DAY;
    const pageview = (id: string) =>
      f.post('/collect', {
        type: 'pageview',
        websiteId: 'site-1',
        href: 'https://example.com/mixed',
        visitorId: 'mixed',
        sessionId: 'mixed',
        eventId: id,
        timestamp: t,
      });
    f.setNow(t + 1000);
    expect((await pageview('mixed-1')).status).toBe(202);
    // a row the writer did not commit (another process, a raw write), then the writer again:
    // its rows no longer follow the mark, so the catch-up reads both from SQLite
    f.database.sqlite
      .prepare(
        `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type, path)
         VALUES ('site-1', ?, 'raw-1', 'mixed', 'mixed', 'custom', '/mixed')`,
      )
      .run(t + 1);
    expect((await pageview('mixed-2')).status).toBe(202);
    expect(store.stats.accepted).toBe(1);
    const p: ReportParams = { ...range(), filters: [] };
    expect(cols(f).breakdown(p, 'page', 100, 0)).toEqual(sql(f).breakdown(p, 'page', 100, 0));
    expect(cols(f).breakdown(p, 'type', 100, 0)).toEqual(sql(f).breakdown(p, 'type', 100, 0));
    expect(
      cols(f)
        .breakdown(p, 'page', 100, 0)
        .results.find((r) => r.value === '/mixed'),
    ).toMatchObject({ pageviews: 2 });
    expect(store.size().events).toBe(f.all('SELECT rowid FROM events').length);
  });

  it('follows a session changed without a new event (a replay batch, a raw update)', async () => {
    const f = await generate(12, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    same(f);
    // replay only: the session's end moves to the time it arrived
    const s = f.sessions[0]!;
    f.setNow(s.endedAt + 20 * 60_000);
    const res = await f.post('/api/events', {
      metadata: {
        websiteId: 'site-1',
        sessionId: s.id,
        visitorId: s.visitorId,
        url: 'https://example.com/',
      },
      analytics: [],
      replayChunks: [chunk('chunk-0001', 0, [ev(s.endedAt + 1000), ev(s.endedAt + 2000)])],
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const ended = f.all<{ e: number }>('SELECT ended_at AS e FROM sessions WHERE id = ?', s.id)[0]!
      .e;
    expect(ended).toBeGreaterThan(s.endedAt);
    same(f);
    // a session updated in place by SQL on this connection (no event row)
    f.database.sqlite
      .prepare("UPDATE sessions SET browser = 'Lynx', ended_at = ended_at + 600000 WHERE id = ?")
      .run(f.sessions[1]!.id);
    same(f);
    expect(
      cols(f)
        .breakdown(range(), 'browser', 100, 0)
        .results.some((x) => x.value === 'Lynx'),
    ).toBe(true);
    expect(store.state).toBe('ready');
  });

  it('does not show a deleted event or an erased visitor (SQL answers until rebuilt)', async () => {
    const f = await generate(13, START, SPAN, 10);
    const store = columnStoreFor(f.database.sqlite);
    await store.build();
    const raw = createRawEvents(f.database.sqlite);
    const before = same(f);
    const pv = f.events.find((e) => e.type === 'pageview')!;
    expect(raw.remove('site-1', pv.id)).toBe(true);
    const afterDelete = same(f); // the store saw it and stepped aside
    expect(store.state).not.toBe('ready');
    expect(afterDelete.pageviews).toBe(before.pageviews - 1);
    await store.build();
    expect(store.state).toBe('ready');
    expect(same(f)).toEqual(afterDelete);
    raw.erase(null, ['visitor-2']);
    const afterErase = same(f);
    expect(store.state).not.toBe('ready');
    await store.build();
    const answered = store.stats.answered;
    expect(same(f)).toEqual(afterErase);
    expect(store.stats.answered).toBeGreaterThan(answered);
    expect(afterErase.visitors).toBeLessThan(before.visitors);
  });

  it('rebuilds by itself after a deletion once started', async () => {
    const f = await generate(14, START, SPAN, 5);
    const store = columnStoreFor(f.database.sqlite);
    store.start();
    await store.build();
    expect(store.state).toBe('ready');
    createRawEvents(f.database.sqlite).erase(null, ['visitor-1']);
    same(f);
    await store.build(); // joins the background rebuild
    expect(store.state).toBe('ready');
    same(f);
  });

  it('is started by createApp({ columns: true }) and answers the report routes', async () => {
    const f = ingestApp({ columns: true });
    const key = addKey(f.database.db, { scopes: ['read'] });
    const store = columnStoreFor(f.database.sqlite);
    await store.build(); // joins the build the app started
    expect(store.state).toBe('ready');
    await onePageview(f);
    const answered = store.stats.answered;
    const res = await f.app.request(
      '/api/reports/overview?websiteId=site-1&from=2024-03-08&to=2024-03-08&timezone=UTC',
      { headers: { Authorization: `Bearer ${key}` } },
    );
    const body = (await res.json()) as { metrics: { pageviews: number; visits: number } };
    expect(body.metrics).toMatchObject({ pageviews: 1, visits: 1 });
    expect(store.stats.answered).toBe(answered + 2);
    store.reset();
  });

  it('started on demand, builds on the first report asked for (SQL answers that one)', async () => {
    const f = ingestApp({ columns: 'on-demand' });
    const key = addKey(f.database.db, { scopes: ['read'] });
    const store = columnStoreFor(f.database.sqlite);
    await onePageview(f);
    expect(store.state).toBe('idle'); // ingest alone builds nothing
    const overview = async () => {
      const res = await f.app.request(
        '/api/reports/overview?websiteId=site-1&from=2024-03-08&to=2024-03-08&timezone=UTC',
        { headers: { Authorization: `Bearer ${key}` } },
      );
      return ((await res.json()) as { metrics: { pageviews: number } }).metrics.pageviews;
    };
    const answered = store.stats.answered;
    expect(await overview()).toBe(1);
    expect(store.stats.answered).toBe(answered); // from SQL, while the build runs
    await store.build();
    expect(store.state).toBe('ready');
    expect(await overview()).toBe(1);
    expect(store.stats.answered).toBe(answered + 2);
    store.reset();
    // `npm start` builds on demand unless told to build at start
    expect(columnStartFromEnv({})).toBe('on-demand');
    expect(columnStartFromEnv({ SIGHTLINE_COLUMNS: 'eager' })).toBe(true);
  });

  it('gives up a build under way when reset, and builds again when asked', async () => {
    const f = await generate(16, START, SPAN, 5);
    const store = new ColumnStore(f.database.sqlite, { chunkRows: 5 });
    const building = store.build();
    await new Promise((r) => setImmediate(r));
    expect(store.state).toBe('building');
    store.reset();
    await building;
    expect(store.state).toBe('idle');
    await store.build();
    expect(store.state).toBe('ready');
    const p = range();
    expect(createReports(f.database.sqlite, store).overview(p)).toEqual(sql(f).overview(p));
    store.reset();
  });

  it("caps the events it holds by the machine's memory by default", () => {
    expect(defaultMaxEvents(2 * 2 ** 30)).toBe(3_728_270); // a quarter of 2 GiB at 144 B
    expect(defaultMaxEvents(64 * 2 ** 30)).toBe(30_000_000);
  });

  it('stays off when disabled, and over its cap answers from SQL', async () => {
    const f = await generate(15, START, SPAN, 5);
    const off = new ColumnStore(f.database.sqlite, { enabled: false });
    await off.build();
    expect(off.state).toBe('off');
    expect(off.site('site-1')).toBeNull();
    const capped = new ColumnStore(f.database.sqlite, { maxEvents: 10 });
    await capped.build();
    expect(capped.state).toBe('over');
    const p = range();
    expect(createReports(f.database.sqlite, capped).overview(p)).toEqual(sql(f).overview(p));
  });
});
