/**
 * SQLite's query planner statistics (`sqlite_stat1`). Without them the planner guesses, and on a
 * site's events and sessions it guesses wrong: at 1M events the overview took 0.7 s instead of
 * 0.13 s and the 7-day hourly timeseries 7 s instead of 40 ms. `PRAGMA optimize` with the
 * 0x10000 bit looks at every table and runs ANALYZE on those never analyzed or much changed in
 * size since; `analysis_limit` makes it sample each index (≈ 60 ms at 1M events), so it is
 * cheap enough to run at every open and every hour.
 */
import type Database from 'better-sqlite3';

/** rows sampled per index by ANALYZE */
const ANALYSIS_LIMIT = 1000;
const HOUR = 3_600_000;

/** Refreshes the planner statistics of the tables that need it. */
export function refreshPlannerStats(sqlite: Database.Database): void {
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  sqlite.pragma('optimize = 0x10002');
}

/** Refreshes them every `intervalMs` (hourly) while the process runs; returns a stop function. */
export function startPlannerStats(sqlite: Database.Database, intervalMs = HOUR): () => void {
  const timer = setInterval(() => {
    try {
      refreshPlannerStats(sqlite);
    } catch {
      /* a closed or busy database: the next run tries again */
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
