import type { Core } from './core.js';

/**
 * Max scroll depth (%) and visible (engaged) time of a pageview, queued as one `scroll` event
 * when the pageview ends. The tracker calls `start` at each pageview and when the page becomes
 * visible again, `end` at the next pageview and when the page is hidden, so a span never
 * includes hidden time. Without `trackScroll` both do nothing.
 *
 * The depth is measured when a span starts and ends, and by `core.scrolled`, which the extras
 * call on every scroll: a page hidden or left before the extras arrived still sends its span,
 * with the time since its pageview and the depth of its start and end.
 */
export function trackScroll(core: Core) {
  const { w, env, c, push } = core;
  const d = w.document;
  let max = -1; // < 0: no span open
  let since = 0; // when the visible span began, 0 when the page was hidden

  const measure = (core.scrolled = () => {
    if (max >= 0)
      max = Math.max(
        max,
        // a page without height counts as fully seen
        Math.min(
          100,
          Math.round(((w.scrollY + w.innerHeight) * 100) / d.documentElement.scrollHeight),
        ) || 100,
      );
  });

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
