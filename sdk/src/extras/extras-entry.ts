import type { Extras } from '../trackers/core.js';
import { trackClicks } from './click.js';
import { trackErrors } from './errors.js';
import { trackFrustration } from './frustration.js';
import { trackScrollDepth } from './scroll.js';

/**
 * The extras chunk (`extras.js` for the script tag, `import()` for npm): autocapture — clicks
 * (first those the tracker buffered before this arrived), outbound links, scroll depth — and,
 * with `extras`, rage and dead clicks (with `trackClicks`) and JS errors. The tracker requests it
 * at once, only where tracking is on and one of `trackClicks`, `trackScroll`, `extras` is on.
 */
export const extras: Extras = (core) => {
  const { trackClicks: clicks, trackScroll: scroll, extras: more } = core.c;
  if (clicks) trackClicks(core);
  if (scroll) trackScrollDepth(core);
  if (clicks && more) trackFrustration(core);
  if (more) trackErrors(core);
};
