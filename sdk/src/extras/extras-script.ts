/**
 * Entry of `extras.js` (IIFE), which the script-tag tracker injects after the page's `load`
 * event: it hands the extras over through `window.__sightlineBundles.extras`.
 */
import type { BundleWindow } from '../trackers/core.js';
import { extras } from './extras-entry.js';

((window as BundleWindow).__sightlineBundles ||= {}).extras = extras;
