import { describe, expect, it } from 'vitest';
import { heldExtras, replayChunk, setVisibility, startTracker } from '../../test/fakes.js';
import type { Core } from '../trackers/core.js';
import { MAX_BODY_CHARS, QUEUE_HIGH_WATER } from './batch.js';

const click = (i: number, text = 'x') =>
  ({ type: 'click', tag: 'A', text, x: i, y: 0 }) satisfies Parameters<Core['push']>[0];

/** A tracker (no pageview, no scroll spans) whose extras, and so the batch queue, have started. */
async function batching(options = {}) {
  const s = startTracker({ autoTrack: false, trackScroll: false, ...options });
  await s.env.settle();
  return { ...s, core: s.core()! };
}

describe('batch queue (extras)', () => {
  it('sends the queue on the core tick every flushInterval, sooner at 50 events, and by beacon on page hide', async () => {
    const { env, core, t } = await batching();
    core.push(click(1));
    await env.advance(9_999);
    expect(env.posts).toEqual([]);
    await env.advance(1);
    expect(env.batches()).toEqual([
      {
        metadata: expect.objectContaining({ websiteId: 'site-1', url: 'https://site.example/' }),
        analytics: [expect.objectContaining({ ...click(1), eventId: expect.any(String) })],
      },
    ]);
    expect(env.posts[0]).toMatchObject({ url: 'https://stats.example/api/events', beacon: false });

    for (let i = 0; i < QUEUE_HIGH_WATER; i++) core.push(click(i));
    expect(env.posts).toHaveLength(2);
    expect(env.batches()[1]?.analytics).toHaveLength(QUEUE_HIGH_WATER);
    await env.advance(10_000); // nothing left: no empty batch
    expect(env.posts).toHaveLength(2);

    core.push(click(7));
    t.flush(); // the API's flush() is the queue's
    expect(env.posts).toHaveLength(3);
    core.push(click(8));
    core.flush!(1);
    expect(env.posts[3]?.beacon).toBe(true);
  });

  it('beacons what waits on visibilitychange → hidden and on pagehide', async () => {
    const { env, core, w } = await batching();
    core.push(click(1));
    setVisibility(w, 'hidden');
    core.push(click(2));
    w.dispatchEvent(new w.PageTransitionEvent('pagehide'));
    await env.settle();
    expect(env.posts.map((p) => p.beacon)).toEqual([true, true]);
    expect(env.events().map((e) => (e as { x: number }).x)).toEqual([1, 2]);
  });

  it('splits batches so every body stays under 64 KB, keeping order', async () => {
    const { env, core } = await batching();
    for (let i = 0; i < 40; i++) core.push(click(i, 'é'.repeat(1500)));
    core.flush!(1);
    expect(env.posts.length).toBeGreaterThan(2);
    for (const p of env.posts) {
      expect(p.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
      expect(new TextEncoder().encode(p.body).length).toBeLessThan(65536);
    }
    expect(env.events().map((e) => (e as { x: number }).x)).toEqual([...Array(40).keys()]);
  });

  it('each replay chunk travels in its own batch; none where tracking is off', async () => {
    const { env, core, t } = await batching();
    core.chunk!(replayChunk(0));
    core.chunk!(replayChunk(1));
    core.flush!();
    expect(env.batches().map((b) => b.replayChunks)).toEqual([[replayChunk(0)], [replayChunk(1)]]);
    t.optOut();
    core.chunk!(replayChunk(2));
    core.push(click(1));
    core.flush!();
    expect(env.posts).toHaveLength(2);
  });

  it('a batch that fails lands in the core outbox, is kept in sl_q and retried with backoff', async () => {
    const { env, core } = await batching();
    env.status = 503;
    core.push(click(1));
    core.flush!();
    await env.settle();
    const [failed] = env.posts;
    expect(JSON.parse(env.storage.get('sl_q')!)).toEqual([['/api/events', failed!.body]]);
    await env.advance(20_000); // retry rounds at ticks 1 and 2 fail again
    expect(env.posts).toHaveLength(3);
    env.status = 200;
    await env.advance(10_000); // backoff: no round at tick 3
    expect(env.posts).toHaveLength(3);
    await env.advance(10_000); // the round at tick 4 delivers
    expect(env.posts.map((p) => p.body)).toEqual(Array(4).fill(failed!.body));
    expect(env.posts.every((p) => p.url == 'https://stats.example/api/events')).toBe(true);
    expect(JSON.parse(env.storage.get('sl_q')!)).toEqual([]);
  });

  it('before the extras arrive the tick and flush() send nothing; once they have, the tick flushes their queue', async () => {
    const held = heldExtras();
    const { env, t, core } = startTracker({ autoTrack: false, trackScroll: false }, held);
    await env.advance(10_000);
    expect(() => t.flush()).not.toThrow();
    await env.settle();
    expect(env.posts).toEqual([]);
    held.release();
    await env.settle();
    core()!.push(click(1));
    await env.advance(10_000);
    expect(env.events()).toEqual([expect.objectContaining(click(1))]);
  });
});
