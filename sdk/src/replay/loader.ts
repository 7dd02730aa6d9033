import type { Config } from '../config.js';
import type { Env } from '../env.js';
import type { ReplayChunkPayload } from '../protocol.js';

/** What the tracker hands a recorder when it starts (the tracker's Config plus these hooks). */
export interface RecorderOptions {
  maskAllInputs: boolean;
  /** ms between the tracker's batches: the recorder compresses what it buffered this often */
  flushInterval?: number;
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
  load: LoadRecorder,
  options: RecorderOptions,
  random: () => number = Math.random,
) {
  let rec: Recorder | undefined;
  let on: unknown;

  /** true when this session is recorded; drawn once per session */
  const sampled = (): boolean => {
    const id = options.session();
    const [sid, yes] = (env.get('sl_r') ?? '').split('|');
    if (sid === id && yes) return yes == '1';
    const pick = random() < c.replaySampleRate;
    if (!c.cookieless) env.set('sl_r', id + '|' + +pick);
    return pick;
  };

  return {
    sampled,
    /** loads and starts the recorder; with `auto` (at init) only for sessions sampled in */
    start(auto?: unknown) {
      if (!auto || sampled())
        load()
          .then((r) => ((rec = r), on && r?.start(options)))
          .catch(() => {}); // a recorder failure never reaches the page
      on = 1;
    },
    stop() {
      on = 0;
      rec?.stop();
    },
    drain: () => rec?.drain?.(),
  };
}
