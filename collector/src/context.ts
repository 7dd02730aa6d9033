import { randomUUID } from 'node:crypto';
import type { OpenDatabase } from './db/client.js';
import type { RateLimit } from './http/rate-limit.js';
import type { Logger } from './http/request-log.js';
import { columnStoreFor, type ColumnStore } from './analytics/columns/store.js';
import { EventBus } from './realtime/bus.js';
import type { EventWriter } from './storage/types.js';

/** Request and payload bounds (SPEC §3.4). */
export interface Limits {
  /** max body of `POST /collect`, bytes */
  collectBodyBytes: number;
  /** max body of `POST /api/events`, bytes */
  batchBodyBytes: number;
  /** max analytics events in one batch */
  batchEvents: number;
  /** max length of any string field, characters (URLs, names, text) */
  stringLength: number;
  /** max serialized size of props / traits, bytes */
  propsBytes: number;
  /** max stored (compressed) replay bytes of one session; more answers 413 */
  replaySessionBytes: number;
  /** max stored replay bytes of one website per UTC day; more answers 429 until the next day */
  replayWebsiteDailyBytes: number;
  /** max uncompressed size of one replay chunk (bounded inflate: zip bombs answer 413) */
  replayChunkRawBytes: number;
  /** ingest requests per client IP (one browser sends a few per minute) */
  ingestPerIp: RateLimit;
  /** ingest requests per website, all visitors together */
  ingestPerWebsite: RateLimit;
  /** login attempts per client IP (each failed one for an account also backs off that account) */
  loginPerIp: RateLimit;
}

export const defaultLimits: Limits = {
  collectBodyBytes: 64 * 1024,
  batchBodyBytes: 1024 * 1024,
  batchEvents: 1000,
  stringLength: 2048,
  propsBytes: 8 * 1024,
  replaySessionBytes: 20 * 1024 * 1024,
  replayWebsiteDailyBytes: 2 * 1024 * 1024 * 1024,
  replayChunkRawBytes: 16 * 1024 * 1024,
  ingestPerIp: { perSecond: 100, burst: 1000 },
  ingestPerWebsite: { perSecond: 5000, burst: 20_000 },
  loginPerIp: { perSecond: 10 / 60, burst: 10 },
};

/** What `createApp` needs. Time and ids are injected so tests are deterministic. */
export interface AppDeps {
  database: OpenDatabase;
  now?: () => number;
  randomId?: () => string;
  /** folder holding the built tracker bundles (`script.js`, `extras.js`, `recorder.js`) */
  assetsDir?: string;
  /** trust `X-Forwarded-For` / `CF-Connecting-IP` and country headers from a proxy */
  trustProxy?: boolean;
  limits?: Partial<Limits>;
  /** folder served at `/demo/` (the example site), when set */
  demoDir?: string;
  /** structured request log (one JSON line per request); none when absent (tests) */
  log?: Logger;
  /** log ingest requests too (many; off by default) */
  logIngest?: boolean;
  /**
   * build the reports' column store in the background: now (true), or once a report is first
   * asked for (`'on-demand'`); `SIGHTLINE_COLUMNS=off` vetoes
   */
  columns?: boolean | 'on-demand';
  /**
   * the ingest writer; by default the SQLite group-commit writer over `database` (the ingest
   * benchmark passes one that stores nothing, to measure the layers above storage)
   */
  writer?: EventWriter;
}

/** Resolved dependencies shared by routes, ingest and queries. */
export interface AppContext {
  database: OpenDatabase;
  now: () => number;
  randomId: () => string;
  assetsDir: string | undefined;
  trustProxy: boolean;
  limits: Limits;
  demoDir: string | undefined;
  log: Logger | undefined;
  logIngest: boolean;
  /** committed events, for live listeners (SSE) */
  bus: EventBus;
  /** the reports' in-memory columns of this database (answering once built) */
  columns: ColumnStore;
  /** the ingest writer when given (`AppDeps.writer`); else the pipeline makes the SQLite one */
  writer: EventWriter | undefined;
}

export function resolveContext(deps: AppDeps): AppContext {
  return {
    database: deps.database,
    now: deps.now ?? Date.now,
    randomId: deps.randomId ?? randomUUID,
    assetsDir: deps.assetsDir,
    trustProxy: deps.trustProxy ?? false,
    limits: { ...defaultLimits, ...deps.limits },
    demoDir: deps.demoDir,
    log: deps.log,
    logIngest: deps.logIngest ?? false,
    bus: new EventBus(),
    columns: columnStoreFor(deps.database.sqlite),
    writer: deps.writer,
  };
}
