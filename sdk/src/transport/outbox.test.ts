import { describe, expect, it, vi } from 'vitest';
import { fakeEnv } from '../../test/fakes.js';
import { parseConfig } from '../config.js';
import { createTransport, OUTBOX_MAX_CHARS } from './outbox.js';

const collect = (name: string) => JSON.stringify({ type: 'custom', websiteId: 'w', name });
const start = (env = fakeEnv(), cookieless = false, flush?: () => void) =>
  createTransport({
    env,
    c: parseConfig({ websiteId: 'w', apiUrl: 'https://c.example', cookieless }),
    flush,
  });

describe('transport (outbox)', () => {
  it('posts to the collector at once, by beacon when asked', async () => {
    const env = fakeEnv();
    const send = start(env);
    await send('/collect', collect('n'));
    await send('/api/events', '{}', 1);
    expect(env.posts).toEqual([
      { url: 'https://c.example/collect', body: collect('n'), beacon: false },
      { url: 'https://c.example/api/events', body: '{}', beacon: true },
    ]);
  });

  it('ticks at once and every flushInterval, each tick flushing the batch queue when there is one', async () => {
    const env = fakeEnv();
    const flush = vi.fn();
    start(env, false, flush);
    expect(flush).toHaveBeenCalledTimes(1);
    await env.advance(9_999);
    expect(flush).toHaveBeenCalledTimes(1);
    await env.advance(1);
    expect(flush).toHaveBeenCalledTimes(2);
    await env.advance(20_000);
    expect(flush).toHaveBeenCalledTimes(4);
    // without one (the extras not installed) the tick only retries
    const bare = fakeEnv();
    start(bare);
    await bare.advance(30_000);
    expect(bare.posts).toEqual([]);
  });

  it('drops a request answered 4xx, retries 5xx, 429 and network errors with backoff', async () => {
    const env = fakeEnv();
    const send = start(env);
    env.script.push(400, 503, 429, 0);
    for (let i = 0; i < 4; i++) await send('/collect', collect('e' + i));
    expect(JSON.parse(env.storage.get('sl_q')!)).toHaveLength(3);

    // every retry round fails: rounds at ticks 1, 2, 4, 8, 16 (10 s each)
    env.status = 503;
    const rounds: number[] = [];
    for (let tick = 1; tick <= 16; tick++) {
      const before = env.posts.length;
      await env.advance(10_000);
      if (env.posts.length > before) rounds.push(tick);
    }
    expect(rounds).toEqual([1, 2, 4, 8, 16]);

    env.status = 200; // back online: the next round delivers everything, the outbox empties
    await env.advance(32 * 10_000);
    expect(JSON.parse(env.storage.get('sl_q')!)).toEqual([]);
    const names = env.collects().map((p) => p.name);
    expect(names.filter((n) => n == 'e0')).toHaveLength(1); // the 400 was never retried
    expect(new Set(names)).toEqual(new Set(['e0', 'e1', 'e2', 'e3']));
  });

  it('keeps undelivered requests across a reload (new transport, same storage), refused beacons too', async () => {
    const storage = new Map<string, string>();
    const env1 = fakeEnv(storage);
    env1.status = 0; // offline: fetch fails, the browser refuses the beacon
    const send = start(env1);
    await send('/api/events', '{"analytics":[1]}', 1);
    await send('/collect', collect('n'));

    const env2 = fakeEnv(storage);
    start(env2); // its first tick runs at once
    await env2.settle();
    expect(env2.posts).toEqual([
      { url: 'https://c.example/api/events', body: '{"analytics":[1]}', beacon: false },
      { url: 'https://c.example/collect', body: collect('n'), beacon: false },
    ]);
    expect(JSON.parse(storage.get('sl_q')!)).toEqual([]);
  });

  it('bounds the offline queue, dropping the oldest', async () => {
    const env = fakeEnv();
    env.status = 0;
    const send = start(env);
    const big = 'x'.repeat(15_000);
    for (let i = 0; i < 30; i++) void send('/api/events', JSON.stringify({ i, big }));
    await env.settle();
    const stored = JSON.parse(env.storage.get('sl_q')!) as [string, string][];
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(OUTBOX_MAX_CHARS);
    expect(stored.length).toBeLessThan(30);
    const kept = stored.map(([, body]) => (JSON.parse(body) as { i: number }).i);
    expect(kept.at(-1)).toBe(29); // the newest stays
    expect(kept[0]).toBeGreaterThan(0); // the oldest went
  });

  it('does not persist without storage consent (cookieless), and still retries from memory', async () => {
    const env = fakeEnv();
    env.status = 0;
    await start(env, true)('/collect', collect('n'));
    expect(env.storage.has('sl_q')).toBe(false);
    env.status = 200;
    await env.advance(10_000);
    expect(env.collects().map((p) => p.name)).toEqual(['n', 'n']);
  });

  it('starts empty from a corrupt stored queue', async () => {
    const env = fakeEnv(new Map([['sl_q', '{not json']]));
    start(env);
    await env.advance(10_000);
    expect(env.posts).toEqual([]);
  });
});
