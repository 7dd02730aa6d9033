/**
 * Entry of `extras.js` (IIFE), which the script-tag tracker injects (async) when it starts: it
 * hands the extras over through `window.__sightlineBundles.extras`.
 */
import type { BundleWindow } from '../trackers/core.js';
import { extras } from './extras-entry.js';

((window as BundleWindow).__sightlineBundles ||= {}).extras = extras;
