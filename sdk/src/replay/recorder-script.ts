/**
 * Entry of `recorder.js` (IIFE), which the script-tag tracker injects for sessions sampled in:
 * it hands the recorder over through `window.__sightlineBundles.recorder`.
 */
import type { BundleWindow } from '../trackers/core.js';
import { recorder } from './recorder-entry.js';

((window as BundleWindow).__sightlineBundles ||= {}).recorder = recorder;
