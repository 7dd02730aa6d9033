import { clickOf } from './click.js';
import type { Core } from '../trackers/core.js';

/** What looks clickable: a click on it that changes nothing is a dead click. */
const CLICKABLE = 'a[href],button,[role=button]';

/**
 * Rage clicks (the 3rd click on one element, each within a second of the last) and dead clicks
 * (a link or button click followed by no DOM change and no navigation within a second), with
 * the fields of the click itself.
 */
export function trackFrustration({ w, env, push, on }: Core) {
  const d = w.document;
  let changed = 0;
  let last: Element;
  let at = 0;
  let n = 0;
  try {
    new (w as Window & typeof globalThis).MutationObserver(() => (changed = env.now())).observe(d, {
      childList: true,
      subtree: true,
      attributes: true,
    });
  } catch {
    /* no MutationObserver: dead clicks are judged on navigation only */
  }

  on(d, 'click', (e) => {
    const [click, el] = clickOf(e as MouseEvent);
    const t = env.now();
    const href = w.location.href;
    n = el == last && t - at < 1e3 ? n + 1 : 1;
    last = el;
    at = t;
    if (n == 3) push({ ...click, type: 'rageclick', count: 3 });
    if (el.matches(CLICKABLE))
      env.timeout(
        () =>
          changed < t &&
          w.location.href == href &&
          d.visibilityState != 'hidden' &&
          push({ ...click, type: 'deadclick' }),
        1e3,
      );
  });
}
