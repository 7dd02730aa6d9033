/**
 * A second thread for the heaviest column scans: a report hands it half of a pass over arrays
 * both threads see (typed arrays on `SharedArrayBuffer`s), does the other half itself, and then
 * waits for the helper's half without returning to the event loop (`Atomics.wait`), so no
 * ingest runs in between and the columns hold still: the answer is the one a single thread
 * gives. The helper starts on first use and serves once it has loaded; until then, or when it
 * failed, the report does the whole pass itself; a half not answered within `WAIT_MS` it does
 * itself too (and the helper is not asked again).
 *
 * Tasks are named functions of `helper-tasks.ts`, run in the helper with the arguments posted
 * (shared arrays are shared, not copied).
 */
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import type { TaskName, Tasks } from './helper-tasks.js';

/** How long a report waits for the helper's half before doing it itself. */
const WAIT_MS = 2000;

/**
 * From how many rows each report splits its pass (fewer: not worth the hand-over); tests lower
 * them to run the split over small data.
 */
export const splitAt = {
  /** a funnel's touches (`columns/behaviour.ts`) */
  touches: 1 << 16,
  /** the pages report's contiguous pageview positions (`repeat-views.ts`) */
  positions: 1 << 18,
  /**
   * a report's sessions: the overview's and time series' (`session-aggregates.ts`), breakdowns by
   * a session dimension (`session-groups.ts`), the generic query's (`query-sessions.ts`), the
   * sessions, pages and active-users reports' (`more-reports.ts`, `behaviour.ts`)
   */
  sessions: 1 << 16,
  /** the sessions report's pageviews (`paths.ts`) */
  pageviews: 1 << 18,
};

interface Helper {
  worker: Worker;
  port: MessagePort;
  /** [0]: 0 while a task runs, 1 when its answer is posted; [1]: 1 once the helper is ready */
  done: Int32Array;
  seq: number;
}

let helper: Helper | null = null;
/** Tasks the helper answered, in all and by name (tests check that it did). */
export const helperStats = { tasks: 0, byTask: {} as Partial<Record<TaskName, number>> };
let failed = false;

/** The helper when it can take a task (started here on first call, so not yet then). */
function available(): Helper | null {
  if (failed || process.env.SIGHTLINE_HELPER_THREAD === 'off') return null;
  if (!helper) {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(8));
    // a plain-JavaScript entry that loads the TypeScript tasks (through tsx, as the collector runs)
    const worker = new Worker(new URL('./helper-entry.mjs', import.meta.url), {
      workerData: { port: port2, done },
      transferList: [port2],
    });
    const h: Helper = { worker, port: port1, done, seq: 0 };
    const fail = () => {
      failed = true;
      helper = null;
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    // (after the listeners, which would hold the process open again)
    worker.unref();
    port1.unref();
    helper = h;
  }
  // (a flag, not a message: a report may run long before the event loop delivers one)
  return Atomics.load(helper.done, 1) === 1 ? helper : null;
}

/** A task posted to the helper: `wait()` is its result, or null (then run it yourself). */
export interface Posted<R> {
  wait(): R | null;
}

/**
 * Posts `task` with `args` to the helper, or returns null when there is none to take it (not
 * started or not loaded yet, failed, or `SIGHTLINE_HELPER_THREAD=off`): the caller then does the
 * whole work itself. Otherwise it does its own part, then `wait()`s for the helper's.
 */
export function postToHelper<K extends TaskName>(
  task: K,
  args: Parameters<Tasks[K]>,
): Posted<ReturnType<Tasks[K]>> | null {
  const h = available();
  if (!h || args.some((a) => copied(a))) return null;
  const seq = ++h.seq;
  Atomics.store(h.done, 0, 0);
  h.worker.postMessage({ seq, task, args });
  return {
    wait() {
      if (Atomics.wait(h.done, 0, 0, WAIT_MS) === 'timed-out') failed = true; // (not again)
      // this task's answer (an earlier one's, answered after its wait ended, is dropped)
      for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) {
        const a = m.message as { seq: number; result?: ReturnType<Tasks[K]>; failed?: boolean };
        if (a.seq === seq && !a.failed) {
          helperStats.tasks++;
          helperStats.byTask[task] = (helperStats.byTask[task] ?? 0) + 1;
          return a.result!;
        }
      }
      return null;
    },
  };
}

/** Bytes of a typed array on memory of its own that a task may take (posting copies it). */
const COPIED = 1 << 12;

/**
 * Whether posting `arg` would copy a large array (one not on shared memory, in it or a few levels
 * down): the task would cost more in the copy than it saves, so the report runs it itself.
 */
function copied(arg: unknown, depth = 0): boolean {
  if (ArrayBuffer.isView(arg))
    return !(arg.buffer instanceof SharedArrayBuffer) && arg.byteLength > COPIED;
  if (depth > 4 || arg === null || typeof arg !== 'object') return false;
  if (Array.isArray(arg) && typeof arg[0] !== 'object') return false; // numbers, strings
  return Object.values(arg).some((v) => copied(v, depth + 1));
}

/** Starts the helper (it takes tasks once loaded, in a few hundred ms). */
export function startHelper(): void {
  available();
}

/** Whether a task would run in the helper now (it starts on the first call). */
export function helperReady(): boolean {
  return available() !== null;
}
