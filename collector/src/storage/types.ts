/**
 * Storage seam for ingest (SPEC §3.6). The SQLite writer implements it today; a PostgreSQL writer
 * can be added beside it and run the same contract tests. Readers (stats, sessions, replay index)
 * live with the read routes.
 */

/** One normalized event row, ready to insert. Strings are already bounded by the ingest schema. */
export interface EventRecord {
  /** client event id, or a server-derived one */
  id: string;
  /** ms since epoch (client time when plausible, else server time) */
  ts: number;
  type: string;
  name: string | null;
  path: string | null;
  hostname: string | null;
  title: string | null;
  referrer: string | null;
  scrollDepth: number | null;
  engagedMs: number | null;
  /** props serialized once, as JSON text (or null) */
  props: string | null;
  userId: string | null;
}

/** Session attributes derived from the request; written on insert (or filled when still empty). */
export interface SessionAttributes {
  hostname: string | null;
  referrer: string | null;
  source: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  device: string | null;
  screen: string | null;
  language: string | null;
  country: string | null;
}

import type { PreparedChunk } from '../replay/decode.js';
import type { ReplayStoreResult } from '../replay/store.js';

/** Everything one request wants committed. */
export interface WriteBatch {
  websiteId: string;
  /** the session id, or null to let the writer pick the visitor's session (30-minute window) */
  sessionId: string | null;
  visitorId: string;
  cookieless: boolean;
  /** set by identify; kept on the session */
  userId: string | null;
  attributes: SessionAttributes;
  events: EventRecord[];
  /** Replay chunks of the batch, decoded and checked (`prepareReplayChunks`), stored in the same transaction. */
  replayChunks: readonly PreparedChunk[];
}

/** What a write committed. */
export interface WriteResult {
  /** events newly stored */
  accepted: number;
  /** events whose id was already stored (retries), ignored */
  duplicates: number;
  /** the session the events were attributed to */
  sessionId: string;
  /** what happened to the batch's replay chunks (null when it had none) */
  replay: ReplayStoreResult | null;
}

/** A bot request the filter dropped, counted per website, UTC day and reason. */
export interface BotDrop {
  websiteId: string;
  /** `YYYY-MM-DD` (UTC) */
  day: string;
  reason: string;
}

/** Counters for tests, benchmarks and metrics. */
export interface WriterStats {
  /** transactions run (one per flush) */
  flushes: number;
  /** write() / countBotDrop() calls committed */
  requests: number;
  /** events inserted */
  events: number;
}

/** Writes ingest batches. A resolved promise means the data is committed. */
export interface EventWriter {
  write(batch: WriteBatch): Promise<WriteResult>;
  countBotDrop(drop: BotDrop): Promise<void>;
  /** commits whatever is queued now */
  flush(): void;
  readonly stats: Readonly<WriterStats>;
}
