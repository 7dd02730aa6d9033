import type { Config } from '../config.js';
import type { Env } from '../env.js';
import type {
  AnalyticsEvent,
  BatchPayload,
  CollectPayload,
  ReplayChunkPayload,
} from '../protocol.js';
import type { Recorder } from '../replay/loader.js';

/** Distributive Omit, so each event type keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An analytics event as a tracker module builds it; the core adds id, time and page url. */
export type NewEvent = Without<AnalyticsEvent, 'timestamp' | 'url' | 'eventId'>;

/**
 * What a tracker module gets, and the whole seam to the lazily loaded bundles (`extras.js`,
 * `recorder.js`): the window, the environment, the config, a way to stamp and send events, the
 * core's transport and the pageview hook. The last three members are installed by the extras'
 * batch queue (see `Batched`); until then events for `/api/events` have nowhere to go.
 */
export interface Core {
  w: Window;
  env: Env;
  c: Config;
  /**
   * stamps an event with an event id, the time and the page url (unless `e` brings its own
   * `timestamp` and `url`: a click buffered before the extras), then with `now` sends it to
   * `/collect` at once, else hands it to `queue`; nothing when tracking is off
   */
  push(
    e: (NewEvent | Partial<CollectPayload>) & { timestamp?: number; url?: string },
    now?: 1,
  ): void;
  /** addEventListener (capture) with errors contained */
  on(target: EventTarget, type: string, fn: (e: Event) => void): void;
  /** whether tracking is on now (an allowed page, not opted out) */
  active(): boolean;
  /**
   * POSTs `body` to the collector's `path` (by sendBeacon with `beacon`); what is not
   * delivered waits in the core's outbox (`sl_q`) and is retried with backoff by the core's tick
   */
  send(path: string, body: string, beacon?: unknown): Promise<void>;
  /**
   * a batch's metadata: website, page, screen and the visitor and session ids (none in
   * cookieless mode); reading the ids marks session activity
   */
  meta(): BatchPayload['metadata'];
  /** when the current pageview was sent (unset before the first) */
  viewStart?: number;
  /**
   * called at each pageview before it is sent, while `push` still stamps the last page's url
   * (the extras end the last pageview's scroll span there and open the next)
   */
  viewEnd?(): void;
  /**
   * clicks made before the extras started, with the time and page url at the click (at most
   * 50; the tracker buffers them only with `trackClicks`); the extras take the array and
   * remove it, which stops the buffering
   */
  clicks?: [e: Event, timestamp: number, url: string][];
  /** the extras' batch queue: takes a stamped analytics event for the next `/api/events` batch */
  queue?(e: AnalyticsEvent): void;
  /** the extras' batch queue: takes a replay chunk for a batch of its own (dropped when off) */
  chunk?(r: ReplayChunkPayload): void;
  /**
   * the extras' batch queue: sends what is queued now, with `beacon` by sendBeacon (page hide);
   * the core's tick and the API's `flush()` call it
   */
  flush?(beacon?: unknown): void;
}

/** The core once the extras have installed their batch queue: what the recorder is started with. */
export type Batched = Core & Required<Pick<Core, 'queue' | 'chunk' | 'flush'>>;

/**
 * `extras.js`: the batch queue for `/api/events` (with the beacon on page hide), the scroll
 * spans, autocapture (clicks, outbound links), rage clicks, dead clicks and JS errors, started
 * once with the tracker's core.
 */
export type Extras = (core: Core) => void;

/** The bundles loaded on demand, by name. */
export interface Bundles {
  recorder: Recorder;
  extras: Extras;
}

/**
 * Loads a bundle: `<script src="{apiUrl}/{name}.js">` for the script tag (the bundle sets
 * `window.__sightlineBundles[name]`), `import()` of its chunk for npm.
 */
export type Load = <K extends keyof Bundles>(name: K) => Promise<Bundles[K] | undefined>;

/** The window seam through which `recorder.js` and `extras.js` hand themselves over. */
export type BundleWindow = Window & { __sightlineBundles?: Partial<Bundles> };
