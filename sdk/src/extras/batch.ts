import type { AnalyticsEvent, BatchPayload, ReplayChunkPayload } from '../protocol.js';
import type { Batched, Core } from '../trackers/core.js';

/**
 * sendBeacon and keepalive fetch carry at most 64 KB: a body stays under 20k UTF-16 chars
 * (≤ 60 KB of UTF-8); a larger batch is halved until it fits.
 */
export const MAX_BODY_CHARS = 20000;
/** Send early once this many events wait. */
export const QUEUE_HIGH_WATER = 50;

/**
 * The batch queue (SPEC §2.6), installed on the core as `queue`, `chunk` and `flush`: analytics
 * events and replay chunks wait for the core's tick (every `flushInterval`), or go sooner once
 * 50 events wait, or by beacon when `flush(1)` is called on page hide. Batches go through the
 * core's `send`, so an undelivered one waits in the core's outbox and is retried with the rest.
 */
export function installBatch(core: Core): Batched {
  let queue: AnalyticsEvent[] = [];
  let chunks: ReplayChunkPayload[] = [];

  const flush = (beacon?: unknown) => {
    if (queue[0] || chunks[0]) {
      const metadata = core.meta();
      const batch = (analytics: AnalyticsEvent[], replayChunks?: ReplayChunkPayload[]) => {
        const body = JSON.stringify({ metadata, analytics, replayChunks } satisfies BatchPayload);
        const half = analytics.length >> 1;
        if (body.length > MAX_BODY_CHARS && half) {
          batch(analytics.slice(0, half));
          batch(analytics.slice(half));
        } else void core.send('/api/events', body, beacon);
      };
      if (queue[0]) batch(queue);
      // each replay chunk travels in its own batch: the recorder keeps chunks under the size limit
      for (const r of chunks) batch([], [r]);
      queue = [];
      chunks = [];
    }
  };

  return Object.assign(core, {
    queue(e: AnalyticsEvent) {
      if (queue.push(e) >= QUEUE_HIGH_WATER) flush();
    },
    chunk(r: ReplayChunkPayload) {
      if (core.active()) chunks.push(r);
    },
    flush,
  });
}
