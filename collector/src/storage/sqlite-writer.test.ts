import { prepareReplayChunks } from '../replay/decode.js';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { createSqliteEventWriter } from './sqlite-writer.js';
import type { EventRecord, WriteBatch } from './types.js';

const t0 = Date.parse('2024-03-01T10:00:00Z');
const minute = 60_000;

function event(id: string, ts: number, type = 'click', path: string | null = '/'): EventRecord {
  return {
    id,
    ts,
    type,
    name: null,
    path,
    hostname: 'example.com',
    title: null,
    referrer: null,
    scrollDepth: null,
    engagedMs: null,
    props: null,
    userId: null,
  };
}

function batch(events: EventRecord[], over: Partial<WriteBatch> = {}): WriteBatch {
  const none = null;
  return {
    websiteId: 'w',
    sessionId: 's',
    visitorId: 'v',
    cookieless: false,
    userId: null,
    events,
    replayChunks: [],
    attributes: {
      hostname: 'example.com',
      referrer: none,
      source: 'direct',
      utmSource: none,
      utmMedium: none,
      utmCampaign: none,
      utmTerm: none,
      utmContent: none,
      browser: 'Chrome',
      browserVersion: '120',
      os: 'Linux',
      device: 'desktop',
      screen: none,
      language: none,
      country: none,
    },
    ...over,
  };
}

function setup() {
  const database = openDatabase(':memory:');
  const writer = createSqliteEventWriter(database.sqlite, { now: () => t0 });
  const all = (sql: string) => database.sqlite.prepare(sql).all();
  return { database, writer, all };
}

describe('SQLite event writer', () => {
  it('commits concurrent writes in one transaction (group commit)', async () => {
    const { writer, all } = setup();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writer.write(batch([event(`e${i}`, t0 + i)], { sessionId: `s${i % 5}` })),
      ),
    );
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    expect(writer.stats).toEqual({ flushes: 1, requests: 50, events: 50 });
    expect(all('SELECT count(*) AS n FROM events')).toEqual([{ n: 50 }]);
    expect(all('SELECT id, events FROM sessions ORDER BY id')).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ id: `s${i}`, events: 10 })),
    );
  });

  it('hands each flush its committed rows in rowid order, only while the listener wants them', async () => {
    const database = openDatabase(':memory:');
    const told: number[][] = [];
    let wants = true;
    const writer = createSqliteEventWriter(database.sqlite, {
      now: () => t0,
      committed: (rows) => told.push(rows.map((r) => r[0])),
      wantsCommitted: () => wants,
    });
    await Promise.all([
      writer.write(batch([event('a', t0), event('b', t0 + 1)])),
      writer.write(batch([event('c', t0)])),
    ]);
    wants = false;
    await writer.write(batch([event('d', t0)]));
    wants = true;
    await writer.write(batch([event('e', t0), event('a', t0)])); // a: a duplicate, not a row
    expect(told).toEqual([[1, 2, 3], [5]]);
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 5 });
  });

  it('flushes at once when the queue is big', async () => {
    const database = openDatabase(':memory:');
    const writer = createSqliteEventWriter(database.sqlite, { maxQueuedRequests: 10 });
    const writes = Array.from({ length: 25 }, (_, i) => writer.write(batch([event(`e${i}`, t0)])));
    expect(writer.stats.flushes).toBe(2);
    await Promise.all(writes);
    expect(writer.stats.flushes).toBe(3);
  });

  it('upserts sessions: counts, start/end, entry and exit paths, user id, insert-only attributes', async () => {
    const { writer, all } = setup();
    await writer.write(batch([event('p1', t0, 'pageview', '/a'), event('c1', t0 + minute)]));
    await writer.write(
      batch([event('p2', t0 + 2 * minute, 'pageview', '/b')], {
        userId: 'u1',
        attributes: { ...batch([]).attributes, browser: 'Firefox' },
      }),
    );
    await writer.write(batch([event('p0', t0 - minute, 'pageview', '/start')]));
    await writer.write(batch([event('p1', t0, 'pageview', '/a')]));
    expect(
      all(
        'SELECT started_at, ended_at, pageviews, clicks, events, entry_path, exit_path, user_id, browser FROM sessions',
      ),
    ).toEqual([
      {
        started_at: t0 - minute,
        ended_at: t0 + 2 * minute,
        pageviews: 3,
        clicks: 1,
        events: 4,
        entry_path: '/start',
        exit_path: '/b',
        user_id: 'u1',
        browser: 'Chrome',
      },
    ]);
  });

  it('a later batch of a known session fills what was empty and keeps the entry page', async () => {
    const { writer, all } = setup();
    // a click batch creates the session before its pageview lands: no entry page, no screen
    await writer.write(batch([event('c1', t0 + minute)]));
    await writer.write(
      batch([event('p1', t0 + 2 * minute, 'pageview', '/first')], {
        attributes: { ...batch([]).attributes, screen: '1920x1080', browser: 'Firefox' },
      }),
    );
    await writer.write(batch([event('p2', t0 + 3 * minute, 'pageview', '/second')]));
    expect(
      all('SELECT started_at, ended_at, entry_path, exit_path, screen, browser FROM sessions'),
    ).toEqual([
      {
        started_at: t0 + minute,
        ended_at: t0 + 3 * minute,
        entry_path: '/first',
        exit_path: '/second',
        screen: '1920x1080',
        browser: 'Chrome',
      },
    ]);
  });

  it('stores replay chunks with the batch and counts them on the session, once', async () => {
    const { writer, all } = setup();
    const legacy = (n: number, t0: number) =>
      prepareReplayChunks(
        { replay: Array.from({ length: n }, (_, i) => ({ type: 3, timestamp: t0 + i, data: {} })) },
        { replayChunkRawBytes: 1 << 20 },
      );
    const first = await writer.write(batch([], { replayChunks: legacy(3, 1_700_000_000_000) }));
    await writer.write(batch([], { replayChunks: legacy(1, 1_700_000_001_000) }));
    const retry = await writer.write(batch([], { replayChunks: legacy(1, 1_700_000_001_000) }));
    expect(first.replay).toMatchObject({ status: 'stored', chunks: 1, events: 3 });
    expect(retry.replay).toMatchObject({ status: 'stored', chunks: 0, duplicates: 1 });
    expect(all('SELECT replay_events, replay_chunks, events FROM sessions')).toEqual([
      { replay_events: 4, replay_chunks: 2, events: 0 },
    ]);
    expect(all('SELECT count(*) AS n FROM replay_chunks')).toEqual([{ n: 2 }]);
  });

  it('continues a visitor session within 30 minutes, else starts a new one', async () => {
    const { writer } = setup();
    const anon = { sessionId: null, visitorId: 'hash', cookieless: true };
    const a = await writer.write(batch([event('1', t0)], anon));
    const b = await writer.write(batch([event('2', t0 + 29 * minute)], anon));
    const c = await writer.write(batch([event('3', t0 + 60 * minute)], anon));
    expect(b.sessionId).toBe(a.sessionId);
    expect(c.sessionId).not.toBe(a.sessionId);
    // Two requests of one visitor in the same flush share a session too.
    const [d, e] = await Promise.all([
      writer.write(batch([event('4', t0 + 200 * minute)], anon)),
      writer.write(batch([event('5', t0 + 201 * minute)], anon)),
    ]);
    expect(d.sessionId).toBe(e.sessionId);
    expect(d.sessionId).not.toBe(c.sessionId);
  });

  it('rejects every waiting write when the transaction fails and stores nothing', async () => {
    const { database, writer, all } = setup();
    database.sqlite.exec(
      `CREATE TRIGGER fail BEFORE INSERT ON events WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'bad row'); END`,
    );
    const settled = await Promise.allSettled([
      writer.write(batch([event('good', t0)])),
      writer.write(batch([event('bad', t0)])),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(
      all('SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sessions) AS s'),
    ).toEqual([{ e: 0, s: 0 }]);
    await writer.write(batch([event('good', t0)]));
    expect(all('SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
  });

  it('counts bot drops per website, day and reason', async () => {
    const { writer, all } = setup();
    await Promise.all([
      writer.countBotDrop({ websiteId: 'w', day: '2024-03-01', reason: 'ua_bot' }),
      writer.countBotDrop({ websiteId: 'w', day: '2024-03-01', reason: 'ua_bot' }),
      writer.countBotDrop({ websiteId: 'w', day: '2024-03-01', reason: 'headless' }),
    ]);
    expect(all('SELECT reason, count FROM bot_drops ORDER BY reason')).toEqual([
      { reason: 'headless', count: 1 },
      { reason: 'ua_bot', count: 2 },
    ]);
  });
});
