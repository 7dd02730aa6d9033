import type { Core, Load } from '../trackers/core.js';

/** What `recorder.js` (or the npm recorder chunk) offers the tracker. */
export interface Recorder {
  /**
   * starts recording this page; chunks go to `core.chunk`, and the recorder drains its buffer
   * on page hide itself (a second call while recording does nothing)
   */
  start(core: Core): void;
  stop(): void;
}

/**
 * Replay on the tracker's side: only the sticky per-session sampling (`sl_r` holds
 * `sessionId|0/1`) and the load, so sessions not sampled in never download rrweb. Everything
 * else (options, draining on hide) lives in the recorder bundle.
 */
export function createReplay(core: Core, load: Load, random: () => number = Math.random) {
  const { env, c } = core;
  let rec: Recorder | undefined;
  let on: unknown;
  return {
    /** loads and starts the recorder; with `auto` (at init) only for sessions sampled in */
    start(auto?: unknown) {
      if (auto) {
        const id = core.session();
        let [sid, yes] = (env.get('sl_r') ?? '').split('|');
        if (sid !== id || !yes) {
          yes = random() < c.replaySampleRate ? '1' : '0';
          if (!c.cookieless) env.set('sl_r', id + '|' + yes);
        }
        if (yes != '1') return;
      }
      on = 1;
      load('recorder')
        .then((r) => ((rec = r), on && r!.start(core)))
        .catch(() => {}); // a recorder failure never reaches the page
    },
    stop() {
      on = 0;
      rec?.stop();
    },
  };
}
