/**
 * Replay chunk writer (SQLite). Prepared once per database; `store` is synchronous so the ingest
 * writer can call it INSIDE its group-commit transaction, and it never throws for a cap: it
 * answers `capped` with the error the route should report, having written nothing.
 */
import type Database from 'better-sqlite3';
import type { AppContext, Limits } from '../context.js';
import { ApiError } from '../http/errors.js';
import { prepareReplayChunks, type PreparedChunk, type ReplayInput } from './decode.js';

/** Which session the chunks belong to. */
export interface ReplayTarget {
  websiteId: string;
  sessionId: string;
}

/** What one `store` call did. `events`/`chunks`/`bytes` count only newly stored chunks. */
export interface ReplayStoreResult {
  status: 'stored' | 'capped';
  /** set when capped: 413 `payload_too_large` (session cap) or 429 `rate_limited` (website cap) */
  error: ApiError | null;
  chunks: number;
  duplicates: number;
  events: number;
  bytes: number;
}

/** The caps `store` enforces. */
export type ReplayCaps = Pick<Limits, 'replaySessionBytes' | 'replayWebsiteDailyBytes'>;

export interface ReplayWriter {
  /** The cap error new chunks of `bytes` stored bytes would hit at `now`, or null. Reads only. */
  check(target: ReplayTarget, bytes: number, now: number): ApiError | null;
  /**
   * Inserts the chunks not stored yet (ON CONFLICT DO NOTHING on (website, session, start, id)),
   * after checking the caps against the new bytes only. All or nothing per call.
   * Does not touch `sessions`: fold the result into the session row (see `bumpSession`).
   */
  store(target: ReplayTarget, chunks: readonly PreparedChunk[], now: number): ReplayStoreResult;
  /** Adds a store result to the session's replay counters; the session row must exist. */
  bumpSession(
    target: ReplayTarget,
    r: Pick<ReplayStoreResult, 'chunks' | 'events' | 'bytes'>,
  ): void;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of `now` in UTC. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Whole seconds from `now` to the next UTC midnight (at least 1). */
export function secondsToNextUtcDay(now: number): number {
  return Math.max(1, Math.ceil((DAY_MS - (now % DAY_MS)) / 1000));
}

export function createReplayWriter(sqlite: Database.Database, caps: ReplayCaps): ReplayWriter {
  const exists = sqlite.prepare<[string, string, number, string]>(
    'SELECT 1 FROM replay_chunks WHERE website_id = ? AND session_id = ? AND start_ts = ? AND id = ?',
  );
  const sessionBytes = sqlite.prepare<[string, string]>(
    'SELECT coalesce(sum(stored_bytes), 0) AS n FROM replay_chunks WHERE website_id = ? AND session_id = ?',
  );
  const dayBytes = sqlite.prepare<[string, string]>(
    'SELECT stored_bytes AS n FROM replay_usage WHERE website_id = ? AND day = ?',
  );
  const insert = sqlite.prepare(
    `INSERT INTO replay_chunks (website_id, session_id, id, seq, start_ts, end_ts, event_count,
       raw_bytes, stored_bytes, data, created_at)
     VALUES (@websiteId, @sessionId, @id, @seq, @startTs, @endTs, @eventCount, @rawBytes,
       @storedBytes, @data, @createdAt)
     ON CONFLICT DO NOTHING`,
  );
  const bumpUsage = sqlite.prepare<[string, string, number, number]>(
    `INSERT INTO replay_usage (website_id, day, stored_bytes, chunks) VALUES (?, ?, ?, ?)
     ON CONFLICT (website_id, day) DO UPDATE SET
       stored_bytes = replay_usage.stored_bytes + excluded.stored_bytes,
       chunks = replay_usage.chunks + excluded.chunks`,
  );
  const bumpSession = sqlite.prepare<[number, number, number, string, string]>(
    `UPDATE sessions SET replay_chunks = replay_chunks + ?, replay_events = replay_events + ?,
       replay_bytes = replay_bytes + ? WHERE website_id = ? AND id = ?`,
  );

  function check(t: ReplayTarget, bytes: number, now: number): ApiError | null {
    const have = (sessionBytes.get(t.websiteId, t.sessionId) as { n: number }).n;
    if (have + bytes > caps.replaySessionBytes) {
      return new ApiError(
        'payload_too_large',
        `replay for session ${t.sessionId} is over its ${caps.replaySessionBytes}-byte cap`,
      );
    }
    const day = (dayBytes.get(t.websiteId, utcDay(now)) as { n: number } | undefined)?.n ?? 0;
    if (day + bytes > caps.replayWebsiteDailyBytes) {
      const retry = secondsToNextUtcDay(now);
      return new ApiError(
        'rate_limited',
        `replay storage of website ${t.websiteId} is over its ${caps.replayWebsiteDailyBytes}-byte daily cap; retry after ${retry} s`,
        { 'Retry-After': String(retry) },
      );
    }
    return null;
  }

  const storeTx = sqlite.transaction((t: ReplayTarget, fresh: PreparedChunk[], now: number) => {
    let chunks = 0;
    let events = 0;
    let bytes = 0;
    for (const c of fresh) {
      const r = insert.run({ ...t, ...c, createdAt: now });
      if (r.changes === 0) continue;
      chunks++;
      events += c.eventCount;
      bytes += c.storedBytes;
    }
    if (chunks > 0) bumpUsage.run(t.websiteId, utcDay(now), bytes, chunks);
    return { chunks, events, bytes };
  });

  return {
    check,
    store(t, chunks, now) {
      const fresh = chunks.filter((c) => !exists.get(t.websiteId, t.sessionId, c.startTs, c.id));
      const duplicates = chunks.length - fresh.length;
      const none = { chunks: 0, events: 0, bytes: 0, duplicates };
      if (fresh.length === 0) return { status: 'stored', error: null, ...none };
      const error = check(
        t,
        fresh.reduce((n, c) => n + c.storedBytes, 0),
        now,
      );
      if (error) return { status: 'capped', error, ...none };
      // nested inside the caller's transaction this is a savepoint, so it still commits with it
      const r = storeTx(t, fresh, now);
      return {
        status: 'stored',
        error: null,
        duplicates: duplicates + fresh.length - r.chunks,
        ...r,
      };
    },
    bumpSession(t, r) {
      if (r.chunks > 0) bumpSession.run(r.chunks, r.events, r.bytes, t.websiteId, t.sessionId);
    },
  };
}

const writers = new WeakMap<Database.Database, ReplayWriter>();

/** The writer of this app's database (prepared once per database and caps). */
export function replayWriterOf(ctx: AppContext): ReplayWriter {
  let w = writers.get(ctx.database.sqlite);
  if (!w) {
    w = createReplayWriter(ctx.database.sqlite, ctx.limits);
    writers.set(ctx.database.sqlite, w);
  }
  return w;
}

/**
 * Standalone: decodes, checks and stores a batch's replay for a session whose row exists, and
 * bumps its counters, in one transaction. Throws the cap error (413/429) when capped.
 */
export function storeReplay(
  ctx: AppContext,
  target: ReplayTarget,
  input: ReplayInput,
): ReplayStoreResult {
  const chunks = prepareReplayChunks(input, ctx.limits);
  const w = replayWriterOf(ctx);
  const r = ctx.database.sqlite.transaction(() => {
    const res = w.store(target, chunks, ctx.now());
    w.bumpSession(target, res);
    return res;
  })();
  if (r.error) throw r.error;
  return r;
}

/** The `replay` field of the ingest answer (SPEC §3.2 batch), for a store result. */
export type ReplayAnswer =
  | { status: 'stored'; chunks: number; duplicates: number }
  | { status: 'capped'; code: string; message: string; retryAfter?: number };

export function replayAnswer(r: ReplayStoreResult): ReplayAnswer {
  if (!r.error) return { status: 'stored', chunks: r.chunks, duplicates: r.duplicates };
  const retry = r.error.headers['Retry-After'];
  return {
    status: 'capped',
    code: r.error.code,
    message: r.error.message,
    ...(retry === undefined ? {} : { retryAfter: Number(retry) }),
  };
}
