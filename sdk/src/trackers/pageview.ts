import type { Config } from '../config.js';
import type { Core } from './core.js';

/** The URL as counted: without the query string with `excludeSearch`, without the hash unless hash routing. */
export function countedUrl(href: string, c: Pick<Config, 'excludeSearch' | 'hashRouting'>): string {
  const u = new URL(href);
  if (c.excludeSearch) u.search = '';
  if (!c.hashRouting) u.hash = '';
  return u.href;
}

/**
 * Pageviews (SPEC §2.3): on load; `pushState`; `replaceState` only when the path changes;
 * `popstate`; `hashchange` with hash routing; bfcache restore. The same URL twice in a row is
 * counted once. `onView(href, referrer)` is called for each counted pageview.
 */
export function trackPageviews(
  core: Core,
  c: Config,
  onView: (href: string, referrer: string | null) => void,
) {
  const { w } = core;
  const h = w.history;
  let last = '';
  let referrer: string | null = w.document.referrer || null;

  const view = (url?: string, force?: boolean) => {
    const href = countedUrl(url ? new URL(url, w.location.href).href : w.location.href, c);
    if (href === last && !force) return;
    if (last) referrer = last;
    last = href;
    onView(href, referrer);
  };

  if (c.autoTrack) {
    const auto = () => view();
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = h[name];
      h[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const path = w.location.pathname;
        original.apply(this, args);
        if (name === 'pushState' || w.location.pathname !== path) auto();
      };
    }
    core.on(w, 'popstate', auto);
    if (c.hashRouting) core.on(w, 'hashchange', auto);
    core.on(w, 'pageshow', (e) => (e as PageTransitionEvent).persisted && view(undefined, true));
    view();
  }
  return { view };
}
