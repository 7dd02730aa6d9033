import type { Core } from './core.js';

/**
 * Pageviews (SPEC §2.3): on load; `pushState`; `replaceState` only when the path changes;
 * `popstate`; `hashchange` with hash routing; bfcache restore. The same URL twice in a row is
 * counted once. The URL as counted has no query string with `excludeSearch` and no hash unless
 * hash routing and the hash is a route (`#/…`, `#!…`). `onView(href, referrer)` is called for each counted pageview.
 */
export function trackPageviews(
  { w, c, on }: Core,
  /** called for each counted pageview; it must not throw (the tracker guards it) */
  onView: (href: string, referrer: string | null) => void,
) {
  const l = w.location;
  const h = w.history;
  let last = '';

  /** counts `url` (default: the current location); `force` counts it even when unchanged */
  const view = (url?: string, force?: unknown) => {
    const u = new URL(url || l.href, l.href);
    if (c.excludeSearch) u.search = '';
    // with hash routing only `#/…` and `#!…` are routes; a plain `#anchor` is not a page
    if (!c.hashRouting || !/^#[/!]/.test(u.hash)) u.hash = '';
    if (u.href != last || force) {
      // the referrer of an SPA pageview is the page before it
      const referrer = last || w.document.referrer || null;
      onView((last = u.href), referrer);
    }
  };

  if (c.autoTrack) {
    // the page's own history call never fails because of us: `onView` is guarded, and the
    // current location is always a valid URL
    const auto = () => view();
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = h[name];
      h[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const path = l.pathname;
        original.apply(this, args);
        if (name == 'pushState' || l.pathname != path) auto();
      };
    }
    on(w, 'popstate', auto);
    if (c.hashRouting) on(w, 'hashchange', auto);
    on(w, 'pageshow', (e) => (e as PageTransitionEvent).persisted && view('', 1));
    auto();
  }
  return view;
}
