/**
 * npm entry: `import { init } from '@sightline/sdk'`. Importing has no side effects; outside a
 * browser (SSR) `init` returns a tracker whose methods do nothing.
 */
import { parseConfig, type Options } from './config.js';
import { browserEnv } from './env.js';
import { createTracker, type Tracker } from './tracker.js';
import type { Bundles, Load } from './trackers/core.js';

export type { Options } from './config.js';
export type { Tracker } from './tracker.js';
export type * from './protocol.js';

const noop = () => {};

/** A tracker that does nothing: what `init` returns outside a browser. */
export const noopTracker: Tracker = {
  track: noop,
  identify: noop,
  pageview: noop,
  flush: noop,
  optOut: noop,
  optIn: noop,
  startReplay: noop,
  stopReplay: noop,
};

let started: Tracker | undefined;

/**
 * Starts tracking this page with `options`; returns the tracker API. Tracking starts once per
 * page: a second call (React StrictMode runs effects twice, hot reloads re-run modules) returns
 * the tracker of the first and ignores its options, so nothing is counted twice.
 */
export function init(options: Options): Tracker {
  if (typeof window === 'undefined' || typeof document === 'undefined') return noopTracker;
  if (started) return started;
  try {
    const c = parseConfig(options, window.location.origin);
    // The recorder and the extras are separate chunks: only sessions sampled in ever download
    // rrweb, and the extras (the batch queue, scroll spans, autocapture, rage/dead clicks, errors)
    // come in a chunk of their own.
    const load: Load = (name) =>
      (name == 'recorder'
        ? import('./replay/recorder-entry.js').then((m) => m.recorder)
        : import('./extras/extras-entry.js').then((m) => m.extras)
      ).then(
        (b) => b as Bundles[typeof name],
        () => undefined,
      );
    return (started = createTracker(c, browserEnv(window), window, load));
  } catch {
    return noopTracker;
  }
}
