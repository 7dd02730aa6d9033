import type { Config } from '../config.js';
import type { Env } from '../env.js';
import type { ReplayChunkPayload } from '../protocol.js';

/** What the tracker hands a recorder when it starts. */
export interface RecorderOptions {
  maskAllInputs: boolean;
  /** ms between the tracker's batches: the recorder compresses what it buffered this often */
  interval?: number;
  /** queue an encoded chunk for the next batch (each chunk ≤ 60 KB of JSON) */
  emit(chunk: ReplayChunkPayload): void;
  /** ask the transport to send now (e.g. after a full snapshot, or on page hide) */
  flush(): void;
  /** the session id ('' in cookieless mode), for per-session state such as the byte cap */
  session(): string;
}

/** What a loaded recorder bundle offers the tracker. */
export interface Recorder {
  /** starts recording; encoded chunks go to `options.emit` */
  start(options: RecorderOptions): void;
  /** encodes what is buffered and emits it now (called on page hide, before the beacon) */
  drain?(): void;
  stop(): void;
}

/** Loads the recorder: a `<script src=recorder.js>` for the script tag, `import()` for npm. */
export type LoadRecorder = () => Promise<Recorder | undefined>;

/**
 * Decides whether a session is recorded (sticky per session: `sl_r` holds `sessionId|0/1`) and
 * loads the recorder only for sessions sampled in, so other visitors never download rrweb.
 */
export function createReplay(
  c: Config,
  env: Env,
  session: () => string | undefined,
  load: LoadRecorder,
  emit: RecorderOptions['emit'],
  flush: () => void,
  random: () => number = Math.random,
) {
  let rec: Recorder | undefined;
  let on = false;

  const sampled = (): boolean => {
    const id = session() ?? '';
    const [sid, yes] = (env.get('sl_r') ?? '').split('|');
    if (sid === id && yes) return yes === '1';
    const pick = random() < c.replaySampleRate;
    if (!c.cookieless) env.set('sl_r', id + '|' + (pick ? 1 : 0));
    return pick;
  };

  const start = () => {
    on = true;
    return load().then((r) => {
      rec = r;
      if (on)
        r?.start({
          maskAllInputs: c.maskAllInputs,
          interval: c.flushInterval,
          emit,
          flush,
          session: () => session() ?? '',
        });
    });
  };

  return {
    sampled,
    /** at init: record when replay is on and this session is sampled in */
    auto: () => (c.replay && sampled() ? start() : undefined),
    start,
    stop() {
      on = false;
      rec?.stop();
    },
    drain: () => rec?.drain?.(),
  };
}
