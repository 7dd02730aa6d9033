import type { Recorder } from './loader.js';
import type { RrwebRecorder } from './recorder.js';

/**
 * Puts the rrweb recorder behind the tracker's seam: builds its options from the core (which the
 * extras' batch queue is installed on by then) and drains its buffer on page hide into one more
 * beacon (the extras' own hide beacon has gone by then: their listeners came first).
 */
export function connect(rec: RrwebRecorder): Recorder {
  let hooked: unknown;
  return {
    start(core) {
      const { w, c } = core;
      const d = w.document;
      if (!hooked) {
        hooked = 1;
        const hide = () => {
          rec.drain();
          core.flush(1);
        };
        core.on(d, 'visibilitychange', () => d.visibilityState == 'hidden' && hide());
        core.on(w, 'pagehide', hide);
      }
      rec.start({
        maskAllInputs: c.maskAllInputs,
        flushInterval: c.flushInterval,
        emit: core.chunk,
        flush: () => core.flush(),
        session: () => core.meta().sessionId ?? '',
      });
    },
    stop: rec.stop,
  };
}
