import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sessions } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { prepareReplayChunks } from './decode.js';
import { createReplayReader } from './reader.js';
import { createReplayWriter, replayAnswer, secondsToNextUtcDay, storeReplay } from './store.js';
import { T0, chunk, ev, replayTestApp } from './test-helpers.js';

const limits = { replayChunkRawBytes: 1024 * 1024 };

function decodeError(input: Parameters<typeof prepareReplayChunks>[0]): ApiError {
  try {
    prepareReplayChunks(input, limits);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('prepareReplayChunks', () => {
  it('keeps gzip bytes as sent and derives the time range from the events', () => {
    const c = chunk('c-0000001', 3, [ev(T0 + 50), ev(T0 + 10, 2), ev(T0 + 30)]);
    const [p] = prepareReplayChunks({ replayChunks: [c] }, limits);
    expect(p).toMatchObject({
      id: 'c-0000001',
      seq: 3,
      startTs: T0 + 10,
      endTs: T0 + 50,
      eventCount: 3,
    });
    expect(p!.data.equals(Buffer.from(c.data, 'base64'))).toBe(true);
    expect(p!.storedBytes).toBe(p!.data.length);
    expect(p!.rawBytes).toBe(c.rawBytes);
  });

  it('gzips json chunks server-side', () => {
    const events = [ev(T0, 4), ev(T0 + 1, 2)];
    const [p] = prepareReplayChunks(
      { replayChunks: [chunk('c-json-01', 0, events, 'json')] },
      limits,
    );
    expect(JSON.parse(gunzipSync(p!.data).toString())).toEqual(events);
  });

  it('turns a legacy raw array into one chunk whose id is the hash of its JSON', () => {
    const replay = [ev(T0 + 5), ev(T0 + 9)];
    const [a] = prepareReplayChunks({ replay }, limits);
    const [b] = prepareReplayChunks({ replay: JSON.parse(JSON.stringify(replay)) }, limits);
    expect(a!.id).toMatch(/^legacy-[0-9a-f]{48}$/);
    expect(a!.id).toBe(b!.id);
    expect(a).toMatchObject({ seq: 0, startTs: T0 + 5, endTs: T0 + 9, eventCount: 2 });
  });

  it('drops a chunk repeated inside one batch', () => {
    const c = chunk('c-dup-001', 0, [ev(T0)]);
    expect(prepareReplayChunks({ replayChunks: [c, c] }, limits)).toHaveLength(1);
  });

  it('names the chunk and the reason on bad input', () => {
    const good = chunk('c-good-01', 0, [ev(T0)]);
    const cases: [unknown, RegExp][] = [
      [
        { ...good, data: '%%%not base64%%%' },
        /replayChunks\[1\] \(id c-good-01\): data is not valid base64/,
      ],
      [{ ...good, data: Buffer.from('plain text, not gzip').toString('base64') }, /not valid gzip/],
      [{ ...good, data: gzipSync('{"a":1}').toString('base64') }, /not a JSON array/],
      [{ ...good, data: gzipSync('[1,').toString('base64') }, /not valid JSON/],
      [
        { ...good, data: gzipSync('[{"type":2}]').toString('base64') },
        /event 0 has no valid timestamp/,
      ],
      [{ ...good, data: gzipSync('[]').toString('base64') }, /no events/],
      [{ ...good, id: 'x' }, /replayChunks\[1\]\.id/],
      [{ ...good, encoding: 'brotli' }, /replayChunks\[1\]\.encoding/],
      [{ ...good, startTs: good.endTs + 1 }, /startTs is after endTs/],
      ['nope', /replayChunks\[1\]/],
    ];
    for (const [bad, message] of cases) {
      const err = decodeError({ replayChunks: [good, bad] as unknown[] });
      expect(err.code).toBe('invalid_fields');
      expect(err.status).toBe(400);
      expect(err.message).toMatch(message);
    }
  });

  it('refuses a zip bomb with 413 without inflating it all', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const c = { ...chunk('c-bomb-01', 0, [ev(T0)]), data: bomb.toString('base64') };
    const err = decodeError({ replayChunks: [c] });
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/inflates to more than 1048576 bytes/);
  });

  it('refuses a legacy array that is not rrweb events', () => {
    expect(decodeError({ replay: [{ hello: 1 }] }).message).toMatch(
      /^replay: event 0 has no valid timestamp/,
    );
  });
});

describe('storeReplay', () => {
  function setup(limits = {}) {
    const t = replayTestApp(limits);
    t.website('w1');
    t.session('w1', 's1');
    const target = { websiteId: 'w1', sessionId: 's1' };
    const counters = () =>
      t.db
        .select({ c: sessions.replayChunks, e: sessions.replayEvents, b: sessions.replayBytes })
        .from(sessions)
        .get();
    return { ...t, target, counters, reader: createReplayReader(t.ctx.database.sqlite) };
  }

  it('stores a chunk once, however often it is sent', () => {
    const t = setup();
    const c = chunk('c-idem-01', 0, [ev(T0), ev(T0 + 1)]);
    const first = storeReplay(t.ctx, t.target, { replayChunks: [c] });
    const again = storeReplay(t.ctx, t.target, { replayChunks: [c] });
    expect(first).toMatchObject({ status: 'stored', chunks: 1, duplicates: 0, events: 2 });
    expect(again).toMatchObject({
      status: 'stored',
      chunks: 0,
      duplicates: 1,
      events: 0,
      bytes: 0,
    });
    expect(t.reader.listChunks('w1', 's1')).toHaveLength(1);
    expect(t.counters()).toEqual({ c: 1, e: 2, b: first.bytes });
  });

  it('stores a retried legacy array once', () => {
    const t = setup();
    const replay = [ev(T0, 4), ev(T0 + 5, 2)];
    storeReplay(t.ctx, t.target, { replay });
    storeReplay(t.ctx, t.target, { replay });
    expect(t.reader.summary('w1', 's1')).toMatchObject({
      chunks: 1,
      events: 2,
      startTs: T0,
      endTs: T0 + 5,
    });
    expect(t.counters()?.e).toBe(2);
  });

  it('answers 413 over the per-session cap and stores nothing of that batch', () => {
    const t = setup({ replaySessionBytes: 400 });
    const big = (id: string, seed: number) =>
      chunk(
        id,
        0,
        Array.from({ length: 20 }, (_, i) =>
          ev(T0 + seed + i, 3, { r: (seed * 7919 + i * 104729).toString(36) }),
        ),
      );
    storeReplay(t.ctx, t.target, { replayChunks: [big('c-cap-001', 0)] });
    const before = t.reader.summary('w1', 's1');
    expect(before.chunks).toBe(1);
    let err: unknown;
    try {
      storeReplay(t.ctx, t.target, {
        replayChunks: [big('c-cap-002', 100), big('c-cap-003', 200)],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(413);
    expect((err as ApiError).message).toBe('replay for session s1 is over its 400-byte cap');
    expect(t.reader.summary('w1', 's1')).toEqual(before);
    // a retry of what is already stored is still fine at the cap
    expect(storeReplay(t.ctx, t.target, { replayChunks: [big('c-cap-001', 0)] }).duplicates).toBe(
      1,
    );
  });

  it('answers 429 with Retry-After over the per-website daily cap, and accepts again the next day', () => {
    const t = setup({ replayWebsiteDailyBytes: 100 });
    t.session('w1', 's2');
    const now = Date.parse('2024-01-15T23:59:00Z');
    t.setNow(now);
    storeReplay(t.ctx, t.target, { replayChunks: [chunk('c-day-001', 0, [ev(T0)])] });
    let err: ApiError | undefined;
    try {
      storeReplay(
        t.ctx,
        { websiteId: 'w1', sessionId: 's2' },
        { replayChunks: [chunk('c-day-002', 0, [ev(T0 + 1), ev(T0 + 2)])] },
      );
    } catch (e) {
      err = e as ApiError;
    }
    expect(err?.status).toBe(429);
    expect(err?.code).toBe('rate_limited');
    expect(err?.headers['Retry-After']).toBe('60');
    t.setNow(Date.parse('2024-01-16T00:00:01Z'));
    const r = storeReplay(
      t.ctx,
      { websiteId: 'w1', sessionId: 's2' },
      { replayChunks: [chunk('c-day-002', 0, [ev(T0 + 1), ev(T0 + 2)])] },
    );
    expect(r.chunks).toBe(1);
  });

  it('counts seconds to the next UTC day', () => {
    expect(secondsToNextUtcDay(Date.parse('2024-01-15T00:00:00Z'))).toBe(86_400);
    expect(secondsToNextUtcDay(Date.parse('2024-01-15T23:59:59.500Z'))).toBe(1);
  });

  it('store() inside a caller transaction answers capped without throwing or writing', () => {
    const t = setup({ replayWebsiteDailyBytes: 10 });
    const w = createReplayWriter(t.ctx.database.sqlite, t.ctx.limits);
    const chunks = prepareReplayChunks({ replayChunks: [chunk('c-tx-0001', 0, [ev(T0)])] }, limits);
    const r = t.ctx.database.sqlite.transaction(() => w.store(t.target, chunks, T0))();
    expect(r).toMatchObject({ status: 'capped', chunks: 0, events: 0, bytes: 0 });
    expect(replayAnswer(r)).toMatchObject({
      status: 'capped',
      code: 'rate_limited',
      retryAfter: 43_200,
    });
    expect(t.reader.summary('w1', 's1').chunks).toBe(0);
    const ok = createReplayWriter(t.ctx.database.sqlite, {
      ...t.ctx.limits,
      replayWebsiteDailyBytes: 1e9,
    });
    const stored = t.ctx.database.sqlite.transaction(() => ok.store(t.target, chunks, T0))();
    expect(replayAnswer(stored)).toEqual({ status: 'stored', chunks: 1, duplicates: 0 });
  });
});
