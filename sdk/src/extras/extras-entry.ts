import type { Extras } from '../trackers/core.js';
import { installBatch } from './batch.js';
import { trackClicks } from './click.js';
import { trackErrors } from './errors.js';
import { trackFrustration } from './frustration.js';
import { trackScroll } from './scroll.js';

/**
 * The extras chunk (`extras.js` for the script tag, `import()` for npm): the batch queue for
 * `/api/events` with its beacon on page hide, and the features on it — with `trackScroll` the
 * scroll spans, with `trackClicks` clicks (first those the tracker buffered before this arrived)
 * and outbound links, with `extras` rage and dead clicks (with `trackClicks`) and JS errors. The
 * tracker requests it at once wherever tracking is on, whatever the flags.
 */
export const extras: Extras = (core) => {
  const { w, c, on } = core;
  const { trackClicks: clicks, trackScroll: scroll, extras: more } = c;
  const d = w.document;
  const { flush } = installBatch(core);
  const span = scroll && trackScroll(core);
  // the span ends before the beacon that carries it
  const hide = () => {
    if (span) span.end();
    flush(1);
  };
  on(d, 'visibilitychange', () => (d.visibilityState == 'hidden' ? hide() : span && span.start()));
  on(w, 'pagehide', hide);
  if (clicks) trackClicks(core);
  if (clicks && more) trackFrustration(core);
  if (more) trackErrors(core);
};
