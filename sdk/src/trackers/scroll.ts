import type { Core } from './core.js';

/**
 * Max scroll depth (%) and visible (engaged) time of a pageview, queued as one `scroll` event
 * when the pageview ends. The tracker calls `start` at each pageview and when the page becomes
 * visible again, `end` at the next pageview and when the page is hidden, so a span never
 * includes hidden time. Without `trackScroll` both do nothing.
 */
export function trackScroll({ w, env, c, push, on }: Core) {
  const d = w.document;
  let max = -1; // < 0: no span open
  let since = 0; // when the visible span began, 0 when the page was hidden

  const measure = () => {
    if (max >= 0)
      max = Math.max(
        max,
        // a page without height counts as fully seen
        Math.min(
          100,
          Math.round(((w.scrollY + w.innerHeight) * 100) / d.documentElement.scrollHeight),
        ) || 100,
      );
  };
  on(w, 'scroll', measure);

  return {
    start() {
      max = c.trackScroll ? 0 : -1;
      since = d.visibilityState == 'hidden' ? 0 : env.now();
      measure();
    },
    end() {
      measure();
      if (max >= 0) push({ type: 'scroll', depth: max, engagedMs: since && env.now() - since });
      max = -1;
    },
  };
}
