import type { Core } from '../trackers/core.js';

/**
 * Scroll depth between the ends of a span: the tracker measures the depth when a pageview's
 * span starts and ends (so a page left before the extras arrive still gets its scroll event);
 * from here on (and where the extras find the page) every scroll counts towards the span's maximum too.
 */
export function trackScrollDepth({ w, on, scrolled }: Core) {
  scrolled(); // where the page is now: scrolled while the extras were on their way
  on(w, 'scroll', scrolled);
}
