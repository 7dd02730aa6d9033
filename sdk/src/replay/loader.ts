import type { Batched } from '../trackers/core.js';

/** What `recorder.js` (or the npm recorder chunk) offers the tracker. */
export interface Recorder {
  /**
   * starts recording this page; chunks go to `core.chunk`, and the recorder drains its buffer
   * on page hide itself (a second call while recording does nothing)
   */
  start(core: Batched): void;
  stop(): void;
}

/**
 * A session's draw in [0, 1): its id's first 32 random bits, so every page and tab of a session
 * decides the same without storing anything; without an id (cookieless) a fresh draw per page.
 */
export const sample = (sessionId: string | undefined): number =>
  // parseInt of undefined or '' is NaN: a fresh draw
  parseInt(sessionId as string, 16) / 2 ** 32 || Math.random();
