/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file on the commit that crosses `wal_autocheckpoint` pages, so every few hundred group commits
 * one ingest request waited for a checkpoint (and its fsync): about half the commit cost of a busy
 * collector. This thread, with its own connection, runs a PASSIVE checkpoint every second
 * instead; it never blocks writers or readers. The main connection keeps a far higher automatic
 * threshold as a safety net, and goes back to SQLite's default if the thread fails.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** pages (4 KiB) of WAL before the main connection checkpoints by itself */
const FALLBACK_AUTOCHECKPOINT = 10_000;
const DEFAULT_AUTOCHECKPOINT = 1000;

// Plain CommonJS evaluated in the worker: no loader or build step needed in any setup.
const source = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const run = () => {
  try {
    parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)')[0]);
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
};
setInterval(run, workerData.intervalMs);
`;

export interface Checkpointer {
  /** checkpoints run (for tests and metrics) */
  readonly runs: number;
  stop(): Promise<void>;
}

/** Starts background checkpoints for a file database; `null` for `:memory:`. */
export function startCheckpointer(
  sqlite: Database.Database,
  intervalMs = 1000,
): Checkpointer | null {
  if (sqlite.memory) return null;
  const worker = new Worker(source, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: sqlite.name,
      intervalMs,
    },
    resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
  const restore = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('error', restore);
  const state = { runs: 0 };
  worker.on('message', () => state.runs++);
  return {
    get runs() {
      return state.runs;
    },
    async stop() {
      worker.removeAllListeners('error');
      await worker.terminate();
      restore();
    },
  };
}
