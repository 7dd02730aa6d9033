import type { Extras } from '../trackers/core.js';
import { trackErrors } from './errors.js';
import { trackFrustration } from './frustration.js';

/**
 * The extras chunk (`extras.js` for the script tag, `import()` for npm): rage and dead clicks
 * (with `trackClicks`) and JS errors. The tracker starts it after the page's `load` event, only
 * where tracking is on and `extras` is not turned off.
 */
export const extras: Extras = (core) => {
  if (core.c.trackClicks) trackFrustration(core);
  trackErrors(core);
};
