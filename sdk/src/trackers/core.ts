import type { Config } from '../config.js';
import type { Env } from '../env.js';
import type { AnalyticsEvent, CollectPayload, ReplayChunkPayload } from '../protocol.js';
import type { Recorder } from '../replay/loader.js';

/** Distributive Omit, so each event type keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An analytics event as a tracker module builds it; the core adds id, time and page url. */
export type NewEvent = Without<AnalyticsEvent, 'timestamp' | 'url' | 'eventId'>;

/**
 * What a tracker module gets, and the whole seam to the lazily loaded bundles (`extras.js`,
 * `recorder.js`): the window, the environment, the config and a way to queue events.
 */
export interface Core {
  w: Window;
  env: Env;
  c: Config;
  /**
   * queues an analytics event, or with `now` sends a `/collect` event at once (nothing when
   * tracking is off); stamped with an event id, the time and the page url unless `e` brings its
   * own `timestamp` and `url` (a click buffered before the extras)
   */
  push(
    e: (NewEvent | Partial<CollectPayload>) & { timestamp?: number; url?: string },
    now?: 1,
  ): void;
  /** addEventListener (capture) with errors contained */
  on(target: EventTarget, type: string, fn: (e: Event) => void): void;
  /** queues a replay chunk for the next batch (dropped when tracking is off) */
  chunk(r: ReplayChunkPayload): void;
  /** sends what is queued now; with `beacon` by sendBeacon (page hide) */
  flush(beacon?: unknown): void;
  /** the session id ('' in cookieless mode); reading it marks session activity */
  session(): string;
  /**
   * clicks made before the extras started, with the time and page url at the click (at most
   * 50; the tracker buffers them only with `trackClicks`); the extras take the array and
   * remove it, which stops the buffering
   */
  clicks?: [e: Event, timestamp: number, url: string][];
  /**
   * folds the current scroll depth into the open pageview span (nothing when none is open):
   * the tracker measures at each span's start and end, the extras on every scroll
   */
  scrolled(): void;
}

/**
 * `extras.js`: autocapture (clicks, outbound links, scroll depth between the ends of a span),
 * rage clicks, dead clicks and JS errors, started once with the tracker's core.
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
