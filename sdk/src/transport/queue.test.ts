import { describe, expect, it } from 'vitest';
import { fakeEnv, replayChunk } from '../../test/fakes.js';
import type { AnalyticsEvent } from '../protocol.js';
import { createTransport, MAX_BODY_CHARS, OUTBOX_MAX_CHARS, QUEUE_HIGH_WATER } from './queue.js';

const click = (i: number, text = 'x'): AnalyticsEvent => ({
  type: 'click',
  tag: 'A',
  text,
  x: i,
  y: 0,
  timestamp: i,
});
const start = (env = fakeEnv(), persist = true) =>
  createTransport(env, 'https://c.example', 10_000, persist, () => ({
    url: 'https://site.example/',
  }));

describe('transport', () => {
  it('sends the queue every interval, sooner at 50 events, and by beacon when asked', async () => {
    const env = fakeEnv();
    const t = start(env);
    t.push(click(1));
    await env.advance(9_999);
    expect(env.posts).toEqual([]);
    await env.advance(1);
    expect(env.batches()).toEqual([
      { metadata: { url: 'https://site.example/' }, analytics: [click(1)] },
    ]);
    expect(env.posts[0]).toMatchObject({ url: 'https://c.example/api/events', beacon: false });

    for (let i = 0; i < QUEUE_HIGH_WATER; i++) t.push(click(i));
    expect(env.posts).toHaveLength(2);
    await env.advance(10_000); // nothing left: no empty batch
    expect(env.posts).toHaveLength(2);

    t.push(click(7));
    t.flush(true);
    expect(env.posts[2]?.beacon).toBe(true);
  });

  it('sends /collect payloads at once', async () => {
    const env = fakeEnv();
    await start(env).collect({ type: 'custom', websiteId: 'w', href: 'h', name: 'n' });
    expect(env.posts.map((p) => p.url)).toEqual(['https://c.example/collect']);
  });

  it('splits batches so every body stays under 64 KB, keeping order', async () => {
    const env = fakeEnv();
    const t = start(env);
    const events = Array.from({ length: 40 }, (_, i) => click(i, 'é'.repeat(1500)));
    events.forEach((e) => t.push(e));
    t.flush(true);
    expect(env.posts.length).toBeGreaterThan(2);
    for (const p of env.posts) {
      expect(p.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
      expect(new TextEncoder().encode(p.body).length).toBeLessThan(65536);
    }
    expect(env.events()).toEqual(events);
  });

  it('each replay chunk travels in its own batch', async () => {
    const env = fakeEnv();
    const t = start(env);
    const chunk = replayChunk;
    t.replay(chunk(0));
    t.replay(chunk(1));
    t.flush();
    expect(env.batches().map((b) => b.replayChunks)).toEqual([[chunk(0)], [chunk(1)]]);
  });

  it('drops a request answered 4xx, retries 5xx, 429 and network errors with backoff', async () => {
    const env = fakeEnv();
    const t = start(env);
    env.script.push(400, 503, 429, 0);
    for (let i = 0; i < 4; i++)
      await t.collect({ type: 'custom', websiteId: 'w', href: 'h', name: 'e' + i });
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

  it('keeps undelivered requests across a reload (new transport, same storage)', async () => {
    const storage = new Map<string, string>();
    const env1 = fakeEnv(storage);
    env1.status = 0; // offline
    const t1 = start(env1);
    t1.push(click(1));
    t1.flush(true);
    await env1.settle();

    const env2 = fakeEnv(storage);
    start(env2);
    await env2.advance(10_000);
    expect(env2.events()).toEqual([click(1)]);
    expect(JSON.parse(storage.get('sl_q')!)).toEqual([]);
  });

  it('bounds the offline queue, dropping the oldest', async () => {
    const env = fakeEnv();
    env.status = 0;
    const t = start(env);
    const big = 'x'.repeat(15_000);
    for (let i = 0; i < 30; i++) (t.push(click(i, big)), t.flush());
    await env.settle();
    const stored = storage(env);
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(OUTBOX_MAX_CHARS);
    expect(stored.length).toBeLessThan(30);
    const kept = stored.map(
      ([, body]) => (JSON.parse(body) as { analytics: { x: number }[] }).analytics[0]!.x,
    );
    expect(kept.at(-1)).toBe(29); // the newest stays
    expect(kept[0]).toBeGreaterThan(0); // the oldest went
  });

  it('does not persist without storage consent (cookieless)', async () => {
    const env = fakeEnv();
    env.status = 0;
    await start(env, false).collect({ type: 'custom', websiteId: 'w', href: 'h', name: 'n' });
    expect(env.storage.has('sl_q')).toBe(false);
  });

  it('starts empty from a corrupt stored queue', async () => {
    const env = fakeEnv(new Map([['sl_q', '{not json']]));
    start(env);
    await env.advance(10_000);
    expect(env.posts).toEqual([]);
  });
});

const storage = (env: ReturnType<typeof fakeEnv>) =>
  JSON.parse(env.storage.get('sl_q')!) as [string, string][];
