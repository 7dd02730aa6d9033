import { record } from '@rrweb/record';
import type { ReplayChunkPayload } from '../protocol.js';
import { createBudget, type Store } from './budget.js';
import { createChunker, type Chunker } from './chunker.js';
import { canGzip } from './encode.js';
import { privacyOptions } from './privacy.js';

/** A full snapshot (checkout) at least this often, so the viewer can seek. */
export const CHECKOUT_MS = 60_000;
/** No interaction for this long pauses recording until the next interaction. */
export const IDLE_MS = 5 * 60_000;
/** Buffered events are compressed this often unless the tracker says its batch interval. */
export const TICK_MS = 10_000;

const INCREMENTAL = 3;
/** Incremental sources that mean someone is there: mouse, scroll, resize, input, touch, media, drag, selection. */
const ACTIVE = [1, 2, 3, 4, 5, 6, 7, 12, 14];

/** What the recorder is started with (built from the tracker's core by `connect`). */
export interface RecorderOptions {
  maskAllInputs: boolean;
  /** ms between the tracker's batches: the recorder compresses what it buffered this often */
  flushInterval?: number;
  /** queue an encoded chunk for the next batch (each chunk ≤ 60 KB of JSON) */
  emit(chunk: ReplayChunkPayload): void;
  /** ask the transport to send now (after the first chunk, with the full snapshot) */
  flush(): void;
  /** the session id ('' in cookieless mode), for per-session state such as the byte cap */
  session(): string;
}

/** The rrweb recorder itself; `connect` puts it behind the tracker's seam. */
export interface RrwebRecorder {
  start(options: RecorderOptions): void;
  /** encodes what is buffered and emits it now (page hide) */
  drain(): void;
  stop(): void;
}

interface RrwebEvent {
  type: number;
  timestamp: number;
  data: unknown;
}

/** What the recorder takes from the page; tests and the benchmark may pass their own. */
export interface RecorderDeps {
  record: typeof record;
  store: Store;
  uuid(): string;
  gzip: boolean;
  every(fn: () => void, ms: number): () => void;
}

const hex = (c: string): string =>
  (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16);

export function browserDeps(): RecorderDeps {
  return {
    record,
    store: {
      get: (k) => {
        try {
          return localStorage.getItem(k);
        } catch {
          return null;
        }
      },
      set: (k, v) => {
        try {
          localStorage.setItem(k, v);
        } catch {
          /* private mode or quota: the cap then counts this page only */
        }
      },
    },
    uuid: () => '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, hex),
    gzip: canGzip(),
    every: (fn, ms) => {
      const id = setInterval(fn, ms);
      return () => clearInterval(id);
    },
  };
}

/**
 * The rrweb recorder behind the tracker's replay seam: privacy options, sampling, checkouts, the
 * idle pause and the per-session byte cap; events become chunks through the chunker.
 */
export function createRecorder(deps: RecorderDeps = browserDeps()): RrwebRecorder {
  let stopRrweb: (() => void) | undefined;
  let stopTick: (() => void) | undefined;
  let chunker: Chunker | undefined;

  const stop = (keep: boolean) => {
    stopRrweb?.();
    stopTick?.();
    if (keep) chunker?.drain();
    else chunker?.clear();
    stopRrweb = stopTick = chunker = undefined;
  };

  return {
    start(o) {
      if (stopRrweb) return;
      try {
        const budget = createBudget(deps.store, o.session);
        let flushed = false;
        let capped = false;
        const c = (chunker = createChunker({
          gzip: deps.gzip,
          uuid: deps.uuid,
          emit(chunk) {
            if (capped || !budget.spend(chunk.rawBytes)) {
              capped = true;
              return stop(false);
            }
            o.emit(chunk);
            // the first chunk holds the page's full snapshot: send it now, not at the next tick
            if (!flushed) o.flush();
            flushed = true;
          },
        }));
        let last = Date.now();
        let idle = false;
        stopRrweb = deps.record({
          ...privacyOptions(o.maskAllInputs !== false),
          checkoutEveryNms: CHECKOUT_MS,
          sampling: {
            mousemove: 50,
            mouseInteraction: true,
            scroll: 150,
            media: 800,
            input: 'last',
          },
          slimDOMOptions: true,
          errorHandler: () => true,
          emit(event) {
            const e = event as RrwebEvent;
            const t = e.timestamp;
            const source = (e.data as { source?: number } | undefined)?.source;
            if (e.type === INCREMENTAL && ACTIVE.includes(source!)) {
              if (idle) {
                // activity is back: a new full snapshot replaces what the pause left out
                idle = false;
                last = t;
                return deps.record.takeFullSnapshot(true);
              }
              last = t;
            } else if (idle) return;
            else if (t - last > IDLE_MS) {
              idle = true;
              return;
            }
            c.push(JSON.stringify(e), t);
          },
        });
        stopTick = deps.every(() => void c.flush(), o.flushInterval ?? TICK_MS);
      } catch {
        stop(false); // never throw into the host page
      }
    },
    drain: () => chunker?.drain(),
    stop: () => stop(true),
  };
}
