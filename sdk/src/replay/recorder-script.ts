/**
 * Entry of `recorder.js` (IIFE), which the script-tag tracker injects for sessions sampled in:
 * it hands the recorder over through `window.__sightlineRecorder`.
 */
import type { Recorder } from './loader.js';
import { recorder } from './recorder-entry.js';

(window as Window & { __sightlineRecorder?: Recorder }).__sightlineRecorder = recorder;
