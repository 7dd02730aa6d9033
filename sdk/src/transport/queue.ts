import type {
  AnalyticsEvent,
  BatchPayload,
  CollectPayload,
  ReplayChunkPayload,
} from '../protocol.js';
import type { Env } from '../env.js';
import { createOutbox } from './outbox.js';

/** sendBeacon and keepalive fetch carry at most 64 KB; 20k UTF-16 chars stay under it in UTF-8. */
export const MAX_BODY_CHARS = 20000;
/** Send early once this many events wait. */
export const QUEUE_HIGH_WATER = 50;

export type Metadata = BatchPayload['metadata'];

/**
 * Transport (SPEC §2.6): immediate events go to `/collect` at once; analytics events wait in a
 * queue sent to `/api/events` every `interval` ms, sooner when large, and by beacon on page hide.
 * Trackers only call `collect` and `push`; nothing else calls the network.
 */
export function createTransport(
  env: Env,
  apiUrl: string,
  interval: number,
  persist: boolean,
  meta: () => Metadata,
) {
  const outbox = createOutbox(env, apiUrl, persist);
  let queue: AnalyticsEvent[] = [];
  let chunks: ReplayChunkPayload[] = [];

  /** Splits the queue into batch bodies under the size limit. */
  const bodies = (events: AnalyticsEvent[]): string[] => {
    const out: string[] = [];
    const m = JSON.stringify(meta());
    let part: string[] = [];
    let size = m.length;
    const close = () => {
      if (part.length) out.push(`{"metadata":${m},"analytics":[${part.join(',')}]}`);
      part = [];
      size = m.length;
    };
    for (const e of events) {
      const s = JSON.stringify(e);
      if (s.length + m.length > MAX_BODY_CHARS) continue; // a single oversized event is dropped
      if (size + s.length > MAX_BODY_CHARS) close();
      part.push(s);
      size += s.length + 1;
    }
    close();
    return out;
  };

  const flush = (beacon?: boolean) => {
    const events = queue;
    const replay = chunks;
    queue = [];
    chunks = [];
    const all = bodies(events);
    // each replay chunk travels in its own batch: the recorder keeps chunks under the size limit
    for (const r of replay)
      all.push(
        `{"metadata":${JSON.stringify(meta())},"analytics":[],"replayChunks":[${JSON.stringify(r)}]}`,
      );
    for (const b of all) void outbox.send('/api/events', b, beacon);
  };

  const tick = () => {
    flush();
    env.timeout(tick, interval);
  };
  env.timeout(tick, interval);

  return {
    collect: (p: CollectPayload) => outbox.send('/collect', JSON.stringify(p)),
    push(e: AnalyticsEvent) {
      queue.push(e);
      if (queue.length >= QUEUE_HIGH_WATER) flush();
    },
    /** queues a replay chunk for the next batch */
    replay(r: ReplayChunkPayload) {
      chunks.push(r);
    },
    flush,
    size: () => queue.length + chunks.length,
    pending: outbox.pending,
  };
}

export type Transport = ReturnType<typeof createTransport>;
