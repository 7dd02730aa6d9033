/**
 * Script-tag entry (IIFE `script.js`): reads the `data-*` attributes of its own tag, installs
 * `window.sightline` and replays calls queued by the snippet stub before it loaded.
 */
import { parseConfig } from './config.js';
import { browserEnv } from './env.js';
import { createTracker, type Tracker } from './tracker.js';
import type { BundleWindow, Load } from './trackers/core.js';

type Call = [keyof Tracker, ...unknown[]];
type Api = ((...call: Call) => void) & Partial<Tracker> & { q?: IArguments[]; _sl?: 1 };
type Win = BundleWindow & { sightline?: Api };

try {
  const w = window as Win;
  const script = document.currentScript as HTMLScriptElement | null;
  // `_sl` marks a started tracker: a second tag is ignored, a stub (even one with methods) is not
  if (script && !w.sightline?._sl) {
    // dataset maps data-hash-routing to hashRouting
    const c = parseConfig(script.dataset, new URL(script.src).origin);
    // extras.js and recorder.js set window.__sightlineBundles[name] when they run; a bundle that
    // fails to load leaves the promise pending, so nothing waits on it
    const load: Load = (name) =>
      new Promise((ok) => {
        const s = document.createElement('script');
        s.src = c.apiUrl + '/' + name + '.js';
        s.onload = () => ok(w.__sightlineBundles?.[name]);
        document.head.append(s);
      });
    const t = createTracker(c, browserEnv(w), w, load);
    const queued = w.sightline?.q ?? [];
    const api = ((name, ...args) => (t[name] as (...a: unknown[]) => void)?.(...args)) as Api;
    w.sightline = Object.assign(api, t, { _sl: 1 as const });
    for (const call of queued) api(...(call as unknown as Call));
  }
} catch {
  /* never throw into the host page */
}
