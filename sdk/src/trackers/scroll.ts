import type { Core } from './core.js';

/**
 * Max scroll depth (%) and visible (engaged) time of a pageview, queued as one `scroll` event
 * when the pageview ends: at the next pageview or when the page is hidden. Returning to a hidden
 * page opens a new measuring span.
 */
export function trackScroll(core: Core) {
  const { w, now } = core;
  const d = w.document;
  let open = false;
  let max = 0;
  let engaged = 0;
  let since = 0;

  const depth = () => {
    const el = d.documentElement;
    const h = Math.max(el.scrollHeight, d.body?.scrollHeight ?? 0);
    return h ? Math.min(100, Math.round(((w.scrollY + w.innerHeight) / h) * 100)) : 100;
  };
  const measure = () => {
    if (open) max = Math.max(max, depth());
  };
  const visible = () => d.visibilityState !== 'hidden';

  core.on(w, 'scroll', measure);
  core.on(d, 'visibilitychange', () => {
    if (visible()) since = now();
    else if (since) ((engaged += now() - since), (since = 0));
  });

  return {
    start() {
      open = true;
      max = 0;
      engaged = 0;
      since = visible() ? now() : 0;
      measure();
    },
    end() {
      if (!open) return;
      measure();
      open = false;
      core.push({ type: 'scroll', depth: max, engagedMs: engaged + (since ? now() - since : 0) });
    },
  };
}
