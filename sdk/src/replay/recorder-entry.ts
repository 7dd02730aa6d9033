import type { Recorder } from './loader.js';

/**
 * The recorder chunk the npm build loads with `import()` for sessions sampled in.
 * The rrweb recording itself lands with the session-replay work; until then it records nothing.
 */
export const recorder: Recorder | undefined = undefined;
