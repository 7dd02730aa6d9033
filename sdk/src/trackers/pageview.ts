import type { Config } from '../config.js';
import type { Core } from './core.js';

/**
 * Pageviews (SPEC §2.3): on load; `pushState`; `replaceState` only when the path changes;
 * `popstate`; `hashchange` with hash routing; bfcache restore. The same URL twice in a row is
 * counted once. The URL as counted has no query string with `excludeSearch` and no hash unless
 * hash routing and the hash is a route (`#/…`, `#!…`). `onView(href, referrer)` is called for each counted pageview.
 */
export function trackPageviews(
  core: Core,
  c: Config,
  onView: (href: string, referrer: string | null) => void,
) {
  const { w } = core;
  const h = w.history;
  let last = '';
  let referrer = w.document.referrer || null;

  /** counts `url` (default: the current location); `force` counts it even when unchanged */
  const view = (url?: string, force?: boolean) => {
    const u = new URL(url ?? w.location.href, w.location.href);
    if (c.excludeSearch) u.search = '';
    // with hash routing only `#/…` and `#!…` are routes; a plain `#anchor` is not a page
    if (!c.hashRouting || !/^#[/!]/.test(u.hash)) u.hash = '';
    if (u.href == last && !force) return;
    if (last) referrer = last;
    onView((last = u.href), referrer);
  };

  if (c.autoTrack) {
    const auto = () => {
      try {
        view();
      } catch {
        /* the page's own history call must never fail because of us */
      }
    };
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = h[name];
      h[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const path = w.location.pathname;
        original.apply(this, args);
        if (name == 'pushState' || w.location.pathname != path) auto();
      };
    }
    core.on(w, 'popstate', auto);
    if (c.hashRouting) core.on(w, 'hashchange', auto);
    core.on(w, 'pageshow', (e) => (e as PageTransitionEvent).persisted && view(undefined, true));
    view();
  }
  return view;
}
