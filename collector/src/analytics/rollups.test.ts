import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { createRawEvents } from '../raw/events.js';
import { createSqliteEventWriter } from '../storage/sqlite-writer.js';
import type { EventRecord, WriteBatch } from '../storage/types.js';
import { prng } from './prng.js';
import { eventCounts, pieces } from './rollups.js';
import { buckets } from './time.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2024-03-01T00:00:00Z');
const TYPES = ['pageview', 'click', 'custom', 'scroll'];
const PATHS = ['/', '/pricing', null];

const attributes = Object.fromEntries(
  [
    'hostname',
    'referrer',
    'source',
    'utmSource',
    'utmMedium',
    'utmCampaign',
    'utmTerm',
    'utmContent',
    'browser',
    'browserVersion',
    'os',
    'device',
    'screen',
    'language',
    'country',
  ].map((k) => [k, null]),
) as unknown as WriteBatch['attributes'];

/** Random events over three days, written through the ingest writer in many flushes. */
async function seeded() {
  const database = openDatabase(':memory:');
  const writer = createSqliteEventWriter(database.sqlite, { now: () => t0 });
  const rnd = prng(7).next;
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const sent: { batch: WriteBatch }[] = [];
  for (let i = 0; i < 60; i++) {
    const visitor = `v${i % 9}`;
    const events: EventRecord[] = Array.from({ length: 1 + Math.floor(rnd() * 20) }, (_, j) => {
      const type = pick(TYPES);
      return {
        id: `e${i}-${j}`,
        ts: t0 + Math.floor(rnd() * 3 * 24 * HOUR),
        type,
        name: type === 'custom' ? pick(['signup', 'buy']) : type === 'click' ? 'BUTTON' : null,
        path: pick(PATHS),
        hostname: null,
        title: null,
        referrer: null,
        scrollDepth: null,
        engagedMs: null,
        props: null,
        userId: null,
      };
    });
    const batch: WriteBatch = {
      websiteId: i % 5 ? 'w1' : 'w2',
      sessionId: `s${i}`,
      visitorId: visitor,
      cookieless: false,
      userId: null,
      attributes,
      events,
      replayChunks: [],
    };
    sent.push({ batch });
    void writer.write(batch);
    if (i % 7 === 0) writer.flush();
  }
  writer.flush();
  // retries of already stored events add nothing
  for (const { batch } of sent.slice(0, 10)) void writer.write(batch);
  writer.flush();
  const { sqlite } = database;
  /** the rollup as stored, and as computed from the events themselves */
  const compare = () => {
    const stored = sqlite
      .prepare(
        `SELECT website_id, hour, type, name, path, events FROM event_rollups WHERE events > 0
         ORDER BY 1, 2, 3, 4, 5`,
      )
      .all();
    const raw = sqlite
      .prepare(
        `SELECT website_id, ts - ts % 3600000 AS hour, type, coalesce(name, '') AS name,
           coalesce(path, '') AS path, count(*) AS events
         FROM events GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      )
      .all();
    return { stored, raw };
  };
  const count = (website: string, from: number, to: number) =>
    Object.fromEntries(
      (
        sqlite
          .prepare(
            `SELECT type, count(*) AS n FROM events WHERE website_id = ? AND ts >= ? AND ts < ?
             GROUP BY type`,
          )
          .all(website, from, to) as { type: string; n: number }[]
      ).map((r) => [r.type, r.n]),
    );
  return { sqlite, compare, count, rnd };
}

describe('pieces', () => {
  it('splits a range into whole UTC hours and ragged edges', () => {
    expect(pieces(t0, t0 + 3 * HOUR)).toEqual({ hours: [t0, t0 + 3 * HOUR], edges: [] });
    expect(pieces(t0 + 1800e3, t0 + 3 * HOUR + 60e3)).toEqual({
      hours: [t0 + HOUR, t0 + 3 * HOUR],
      edges: [
        [t0 + 1800e3, t0 + HOUR],
        [t0 + 3 * HOUR, t0 + 3 * HOUR + 60e3],
      ],
    });
    // inside one hour: all edge
    expect(pieces(t0 + 60e3, t0 + 120e3)).toEqual({
      hours: [t0 + 60e3, t0 + 60e3],
      edges: [[t0 + 60e3, t0 + 120e3]],
    });
    expect(pieces(t0, t0).edges).toEqual([]);
  });
});

describe('event rollup', () => {
  it('holds exactly the stored events, retries and flushes included', async () => {
    const { compare } = await seeded();
    const { stored, raw } = compare();
    expect(raw.length).toBeGreaterThan(50);
    expect(stored).toEqual(raw);
  });

  it('loses deleted and erased events', async () => {
    const { sqlite, compare } = await seeded();
    const rawEvents = createRawEvents(sqlite);
    const ids = sqlite
      .prepare(`SELECT id FROM events WHERE website_id = 'w1' ORDER BY ts LIMIT 3`)
      .pluck()
      .all() as string[];
    for (const id of ids) expect(rawEvents.remove('w1', id)).toBe(true);
    expect(rawEvents.erase(['w1'], ['v3']).events).toBeGreaterThan(0);
    expect(rawEvents.erase(null, ['v4']).events).toBeGreaterThan(0);
    const { stored, raw } = compare();
    expect(stored).toEqual(raw);
  });

  it('counts per type equal the events of any range or bucket, ragged ones included', async () => {
    const { sqlite, count, rnd } = await seeded();
    const counts = eventCounts(sqlite);
    for (let i = 0; i < 40; i++) {
      const from = t0 - HOUR + Math.floor(rnd() * 4 * 24 * HOUR);
      const to = from + Math.floor(rnd() * 2 * 24 * HOUR);
      expect(Object.fromEntries(counts.byType('w1', from, to))).toEqual(count('w1', from, to));
    }
    // local days in a half-hour zone and in a DST zone: every boundary is off the UTC hour
    for (const tz of ['Asia/Kolkata', 'America/St_Johns', 'Europe/Berlin']) {
      const list = buckets(tz, t0, t0 + 3 * 24 * HOUR, 'day');
      const per = counts.perBucket('w1', list);
      for (const b of list)
        expect(Object.fromEntries(per.get(b.key)!)).toEqual(count('w1', b.start, b.end));
    }
    // all time
    expect(
      Object.fromEntries(counts.byType('w2', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
    ).toEqual(count('w2', 0, Number.MAX_SAFE_INTEGER));
  });
});
