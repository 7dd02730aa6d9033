import { connect } from './connect.js';
import type { Recorder } from './loader.js';
import { createRecorder } from './recorder.js';

/**
 * The recorder chunk: the npm build loads it with `import()` only for sessions sampled in, so
 * pages that never record never download rrweb. Creating it touches nothing until `start()`.
 */
export const recorder: Recorder = connect(createRecorder());
