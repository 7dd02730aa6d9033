import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  mergeDelta,
  newDelta,
  sessionParams,
  touchParams,
  type Inserted,
  type SessionDelta,
} from './session-delta.js';
import { createReplayWriter, type ReplayCaps, type ReplayWriter } from '../replay/store.js';
import { prepareIngestStatements, type IngestStatements } from './sqlite-statements.js';
import type {
  BotDrop,
  EventRecord,
  EventWriter,
  WriteBatch,
  WriteResult,
  WriterStats,
} from './types.js';

const HOUR = 3_600_000;

/** An `event_rollups` row this flush adds: website, hour, type, name, path, events. */
type RollupRow = [string, number, string, string, string, number];

/** Options of {@link createSqliteEventWriter}. */
export interface SqliteWriterOptions {
  /** server clock (ms); used for batches without events */
  now?: () => number;
  /** flush at once, without waiting for the next `setImmediate`, when this many requests wait */
  maxQueuedRequests?: number;
  /** … or when this many events wait */
  maxQueuedEvents?: number;
  /** a visitor's session continues when its last event is at most this old (ms) */
  sessionTimeoutMs?: number;
  /** replay storage caps (per session, per website and UTC day), in stored bytes */
  replayCaps?: ReplayCaps;
  /** told the event rows of each committed flush, in `rowid` order (the reports' column store) */
  committed?: (rows: CommittedEvent[]) => void;
  /** asked before each flush: false skips keeping its rows for `committed` (they would be dropped) */
  wantsCommitted?: () => boolean;
}

/**
 * An event row as committed: rowid, website, time, session, visitor, type, name, path, scroll
 * depth, engaged time, props.
 */
export type CommittedEvent = [
  number,
  string,
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  number | null,
  number | null,
  string | null,
];

type Pending =
  | {
      kind: 'batch';
      batch: WriteBatch;
      resolve: (r: WriteResult) => void;
      reject: (e: unknown) => void;
    }
  | { kind: 'drop'; drop: BotDrop; resolve: (r: undefined) => void; reject: (e: unknown) => void };

/**
 * SQLite event writer with group commit: requests queue their rows, and one flush (on the next
 * `setImmediate`, or at once when the queue is big) commits every queued request in a single
 * transaction before resolving any of them. If the transaction fails, every waiting request is
 * rejected and nothing of the flush is stored. Standalone, so a benchmark can drive it directly.
 */
export function createSqliteEventWriter(
  sqlite: Database.Database,
  options: SqliteWriterOptions = {},
): EventWriter {
  const now = options.now ?? Date.now;
  const maxRequests = options.maxQueuedRequests ?? 512;
  const maxEvents = options.maxQueuedEvents ?? 20_000;
  const timeout = options.sessionTimeoutMs ?? 30 * 60 * 1000;
  const st = prepareIngestStatements(sqlite);
  const replay = createReplayWriter(
    sqlite,
    options.replayCaps ?? {
      replaySessionBytes: 20 * 2 ** 20,
      replayWebsiteDailyBytes: 2 * 2 ** 30,
    },
  );
  const stats: WriterStats = { flushes: 0, requests: 0, events: 0 };
  let queue: Pending[] = [];
  let queuedEvents = 0;
  let scheduled = false;

  let inserted: CommittedEvent[] | null = null;
  const commit = sqlite.transaction((items: Pending[]) => {
    const keepRows = options.committed !== undefined && (options.wantsCommitted?.() ?? true);
    const flush = new FlushState(st, replay, now, timeout, keepRows);
    inserted = flush.inserted;
    const results = items.map((item) => {
      if (item.kind === 'drop') {
        st.bumpBotDrop.run(item.drop.websiteId, item.drop.day, item.drop.reason);
        return undefined;
      }
      return flush.apply(item.batch);
    });
    flush.upsertSessions();
    flush.addRollups();
    return results;
  });

  function flushNow(): void {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    queuedEvents = 0;
    let results: (WriteResult | undefined)[];
    try {
      results = commit(items);
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    stats.flushes++;
    stats.requests += items.length;
    try {
      if (inserted?.length) options.committed!(inserted);
    } catch {
      // the listener's failure is its own (the column store catches up from SQLite instead)
    }
    inserted = null;
    items.forEach((item, i) => {
      const r = results[i];
      if (item.kind === 'drop') item.resolve(undefined);
      else if (r) {
        stats.events += r.accepted;
        item.resolve(r);
      }
    });
  }

  function enqueue(item: Pending, events: number): void {
    queue.push(item);
    queuedEvents += events;
    if (queue.length >= maxRequests || queuedEvents >= maxEvents) flushNow();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flushNow);
    }
  }

  return {
    write: (batch) =>
      new Promise<WriteResult>((resolve, reject) =>
        enqueue({ kind: 'batch', batch, resolve, reject }, batch.events.length),
      ),
    countBotDrop: (drop) =>
      new Promise<void>((resolve, reject) => enqueue({ kind: 'drop', drop, resolve, reject }, 0)),
    flush: flushNow,
    stats,
  };
}

/** Work of one transaction: inserts events, resolves sessions, folds session deltas. */
class FlushState {
  private readonly deltas = new Map<string, SessionDelta>();
  /** events inserted in this flush per rollup row (website, hour, type, name, path) */
  private readonly rollups = new Map<string, RollupRow>();
  private lastRollup: RollupRow | undefined;
  /** the rows inserted, when someone wants them (`committed`) */
  readonly inserted: CommittedEvent[] | null;
  /** sessions picked for visitors in this flush, so the second request sees the first's */
  private readonly latest = new Map<string, { id: string; endedAt: number }>();

  constructor(
    private readonly st: IngestStatements,
    private readonly replay: ReplayWriter,
    private readonly now: () => number,
    private readonly timeout: number,
    keepRows: boolean,
  ) {
    this.inserted = keepRows ? [] : null;
  }

  apply(b: WriteBatch): WriteResult {
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const e of b.events) {
      if (e.ts < minTs) minTs = e.ts;
      if (e.ts > maxTs) maxTs = e.ts;
    }
    if (b.events.length === 0) minTs = maxTs = this.now();
    const sessionId = b.sessionId ?? this.pickSession(b, minTs, maxTs);
    const ins: Inserted = {
      startedAt: Infinity,
      endedAt: -Infinity,
      pageviews: 0,
      clicks: 0,
      events: 0,
      entryPath: null,
      entryTs: Infinity,
      exitPath: null,
      exitTs: -Infinity,
      replayEvents: 0,
      replayChunks: 0,
      replayBytes: 0,
    };
    // Replay chunks commit with the events (a savepoint inside this transaction); a capped
    // replay writes nothing and is reported, never costing the batch its analytics.
    const replay = b.replayChunks.length
      ? this.replay.store({ websiteId: b.websiteId, sessionId }, b.replayChunks, this.now())
      : null;
    if (replay) {
      ins.replayEvents = replay.events;
      ins.replayChunks = replay.chunks;
      ins.replayBytes = replay.bytes;
    }
    let duplicates = 0;
    for (const e of b.events) {
      const r = this.st.insertEvent.run(
        b.websiteId,
        e.ts,
        e.id,
        sessionId,
        b.visitorId,
        e.userId,
        e.type,
        e.name,
        e.path,
        e.hostname,
        e.title,
        e.referrer,
        e.scrollDepth,
        e.engagedMs,
        e.props,
      );
      if (r.changes === 0) {
        duplicates++;
        continue;
      }
      this.inserted?.push([
        Number(r.lastInsertRowid),
        b.websiteId,
        e.ts,
        sessionId,
        b.visitorId,
        e.type,
        e.name,
        e.path,
        e.scrollDepth,
        e.engagedMs,
        e.props,
      ]);
      ins.events++;
      this.countRollup(b.websiteId, e);
      if (e.ts < ins.startedAt) ins.startedAt = e.ts;
      if (e.ts > ins.endedAt) ins.endedAt = e.ts;
      if (e.type === 'click') ins.clicks++;
      else if (e.type === 'pageview') {
        ins.pageviews++;
        if (e.ts < ins.entryTs) ((ins.entryTs = e.ts), (ins.entryPath = e.path));
        if (e.ts >= ins.exitTs) ((ins.exitTs = e.ts), (ins.exitPath = e.path));
      }
    }
    if (ins.events > 0 || ins.replayEvents > 0 || b.userId !== null) {
      if (ins.events === 0) ((ins.startedAt = minTs), (ins.endedAt = maxTs));
      const key = `${b.websiteId}\n${sessionId}`;
      const d = this.deltas.get(key);
      if (d) mergeDelta(d, b, ins);
      else this.deltas.set(key, newDelta(b, sessionId, ins));
    }
    return { accepted: ins.events, duplicates, sessionId, replay };
  }

  upsertSessions(): void {
    for (const d of this.deltas.values()) {
      if (this.st.touchSession.run(...touchParams(d)).changes === 0)
        this.st.upsertSession.run(...sessionParams(d));
    }
  }

  addRollups(): void {
    for (const r of this.rollups.values()) this.st.addRollup.run(...r);
  }

  private countRollup(websiteId: string, e: EventRecord): void {
    const hour = e.ts - (e.ts % HOUR);
    const name = e.name ?? '';
    const path = e.path ?? '';
    // a batch's events mostly share their row: skip the key for a run of them
    let r = this.lastRollup;
    if (
      r &&
      r[1] === hour &&
      r[2] === e.type &&
      r[3] === name &&
      r[4] === path &&
      r[0] === websiteId
    )
      return void r[5]++;
    const key = `${websiteId}\n${hour}\n${e.type}\n${name}\n${path}`;
    r = this.rollups.get(key);
    if (r) r[5]++;
    else this.rollups.set(key, (r = [websiteId, hour, e.type, name, path, 1]));
    this.lastRollup = r;
  }

  /** The visitor's latest session when it saw activity within the timeout, else a new one. */
  private pickSession(b: WriteBatch, minTs: number, maxTs: number): string {
    const key = `${b.websiteId}\n${b.visitorId}`;
    const prev =
      this.latest.get(key) ?? this.st.latestSessionOfVisitor.get(b.websiteId, b.visitorId);
    let id: string;
    if (prev && minTs - prev.endedAt <= this.timeout && prev.endedAt - maxTs <= this.timeout) {
      id = prev.id;
    } else {
      // Deterministic: the same visitor starting at the same moment gets the same session id.
      id = createHash('sha256')
        .update(`${b.websiteId}\n${b.visitorId}\n${minTs}`)
        .digest('hex')
        .slice(0, 32);
    }
    this.latest.set(key, {
      id,
      endedAt: Math.max(maxTs, prev && prev.id === id ? prev.endedAt : maxTs),
    });
    return id;
  }
}
