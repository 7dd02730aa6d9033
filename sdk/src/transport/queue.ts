import type {
  AnalyticsEvent,
  BatchPayload,
  CollectPayload,
  ReplayChunkPayload,
} from '../protocol.js';
import type { Env } from '../env.js';

/**
 * sendBeacon and keepalive fetch carry at most 64 KB: a body stays under 20k UTF-16 chars
 * (≤ 60 KB of UTF-8); a larger batch is halved until it fits.
 */
export const MAX_BODY_CHARS = 20000;
/** Send early once this many events wait. */
export const QUEUE_HIGH_WATER = 50;
/** Bound of the offline queue as JSON (SPEC §2.6: bounded); the oldest requests go first. */
export const OUTBOX_MAX_CHARS = 256 * 1024;
/** Backoff cap: a failing outbox is retried at most every 2^6 = 64 flush ticks. */
export const MAX_BACKOFF = 6;

/** A request that could not be delivered yet: [path, body]. */
export type Pending = [path: string, body: string];

/**
 * Transport (SPEC §2.6). Immediate events go to `/collect` at once; analytics events wait in a
 * queue sent to `/api/events` every `interval` ms, sooner when large, and by beacon on page hide.
 *
 * Undelivered requests (network error, 5xx, 429) wait in the outbox, kept in localStorage
 * (`sl_q`) so they survive a reload, and are resent by the same tick (the first runs at once,
 * so a reload resends what the last page left) with exponential backoff:
 * after n failed rounds the outbox waits 2^n - 1 ticks (1, 2, 4 … 64 ticks apart); any delivery
 * resets it. Other 4xx answers drop the request: it would fail again. Every event carries a
 * client id, so a request delivered twice is still counted once.
 */
export function createTransport(
  env: Env,
  apiUrl: string,
  interval: number,
  persist: boolean,
  /** batch metadata, built only when there is something to send */
  meta: () => BatchPayload['metadata'],
) {
  let outbox: Pending[] = [];
  let queue: AnalyticsEvent[] = [];
  let chunks: ReplayChunkPayload[] = [];
  let attempt = 0;
  let wait = 0;
  try {
    outbox = (persist && JSON.parse(env.get('sl_q')!)) || [];
  } catch {
    /* corrupt: start empty */
  }

  const send = (path: string, body: string, beacon?: unknown) =>
    env.post(apiUrl + path, body, beacon).then((status) => {
      // delivered, or refused for good (a 4xx other than 429): either way never sent again
      if (status % 429 && status < 500) attempt = wait = 0;
      else outbox.push([path, body]);
      // keep the newest requests that fit the bound
      let json;
      while ((json = JSON.stringify(outbox)).length > OUTBOX_MAX_CHARS) outbox.shift();
      if (persist) env.set('sl_q', json);
    });

  const flush = (beacon?: unknown) => {
    if (queue[0] || chunks[0]) {
      const metadata = meta();
      const batch = (analytics: AnalyticsEvent[], replayChunks?: ReplayChunkPayload[]) => {
        const body = JSON.stringify({ metadata, analytics, replayChunks } satisfies BatchPayload);
        const half = analytics.length >> 1;
        if (body.length > MAX_BODY_CHARS && half) {
          batch(analytics.slice(0, half));
          batch(analytics.slice(half));
        } else void send('/api/events', body, beacon);
      };
      if (queue[0]) batch(queue);
      // each replay chunk travels in its own batch: the recorder keeps chunks under the size limit
      for (const r of chunks) batch([], [r]);
      queue = [];
      chunks = [];
    }
  };

  /** runs every `interval` from now on: the outbox (with backoff), then the queue */
  const tick = () => {
    env.timeout(tick, interval);
    if (outbox[0] && --wait < 0) {
      wait = 2 ** Math.min(attempt++, MAX_BACKOFF) - 1;
      // stored until the first answer: a reload meanwhile resends them, and event ids dedupe
      for (const [path, body] of outbox.splice(0)) void send(path, body);
    }
    flush();
  };
  tick();

  return {
    collect: (p: CollectPayload) => send('/collect', JSON.stringify(p)),
    push(e: AnalyticsEvent) {
      if (queue.push(e) >= QUEUE_HIGH_WATER) flush();
    },
    /** queues a replay chunk for the next batch */
    replay(r: ReplayChunkPayload) {
      chunks.push(r);
    },
    flush,
  };
}

export type Transport = ReturnType<typeof createTransport>;
