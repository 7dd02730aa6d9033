import type { Core } from '../trackers/core.js';

/**
 * Max scroll depth (%) and visible (engaged) time of a pageview, queued as one `scroll` event
 * when the pageview ends. A span opens at each pageview (through the core's `viewEnd` hook,
 * which first ends the last one) and when the page becomes visible again; it ends at the next
 * pageview and when the page is hidden, so a span never includes hidden time. The depth is
 * measured when a span starts and ends and on every scroll.
 *
 * The extras arrive after the first pageview: its span starts at the core's `viewStart`, so
 * engaged time counts from the pageview, with the depth where the extras find the page.
 */
export function trackScroll(core: Core) {
  const { w, env, push, on } = core;
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
  const open = (at = env.now()) => {
    max = 0;
    since = d.visibilityState == 'hidden' ? 0 : at;
    measure();
  };
  const span = {
    /** the page is visible again: a span opens, once there is a pageview (autoTrack off) */
    start: () => core.viewStart && open(),
    end() {
      measure();
      if (max >= 0) push({ type: 'scroll', depth: max, engagedMs: since && env.now() - since });
      max = -1;
    },
  };
  core.viewEnd = () => {
    span.end();
    open();
  };
  if (core.viewStart) open(core.viewStart);
  on(w, 'scroll', measure);
  return span;
}
