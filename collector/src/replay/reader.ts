/**
 * Replay index and reader (SQLite): which chunks a session has, in time order, and their blobs one
 * at a time. Blobs are fetched by primary key per chunk rather than through one open `.iterate()`
 * cursor, because better-sqlite3 refuses every other statement on the connection while an
 * iterator is open — and a streamed response spans many event-loop turns during which the ingest
 * writer must keep committing.
 */
import type Database from 'better-sqlite3';
import { gunzipSync } from 'node:zlib';

/** One chunk's index entry (no blob). */
export interface ChunkInfo {
  id: string;
  seq: number;
  startTs: number;
  endTs: number;
  eventCount: number;
  rawBytes: number;
  storedBytes: number;
}

export interface ReplaySummary {
  chunks: number;
  events: number;
  bytes: number;
  rawBytes: number;
  startTs: number | null;
  endTs: number | null;
}

/** A session as the replay routes need it. */
export interface ReplaySessionRef {
  websiteId: string;
  id: string;
  visitorId: string;
  startedAt: number;
}

export interface ReplayReader {
  /** the sessions with this id (one per website that has it) */
  findSessions(id: string): ReplaySessionRef[];
  listChunks(websiteId: string, sessionId: string): ChunkInfo[];
  summary(websiteId: string, sessionId: string): ReplaySummary;
  /** the gzip blob of one chunk, or null when it is gone */
  chunkData(
    websiteId: string,
    sessionId: string,
    c: Pick<ChunkInfo, 'startTs' | 'id'>,
  ): Buffer | null;
  /** the same visitor's sessions just before and after this one */
  neighbors(s: ReplaySessionRef): { previous: string | null; next: string | null };
}

export function createReplayReader(sqlite: Database.Database): ReplayReader {
  const find = sqlite.prepare<[string]>(
    `SELECT website_id AS websiteId, id, visitor_id AS visitorId, started_at AS startedAt
     FROM sessions WHERE id = ? ORDER BY website_id`,
  );
  const list = sqlite.prepare<[string, string]>(
    `SELECT id, seq, start_ts AS startTs, end_ts AS endTs, event_count AS eventCount,
       raw_bytes AS rawBytes, stored_bytes AS storedBytes
     FROM replay_chunks WHERE website_id = ? AND session_id = ? ORDER BY start_ts, seq, id`,
  );
  const sum = sqlite.prepare<[string, string]>(
    `SELECT count(*) AS chunks, coalesce(sum(event_count), 0) AS events,
       coalesce(sum(stored_bytes), 0) AS bytes, coalesce(sum(raw_bytes), 0) AS rawBytes,
       min(start_ts) AS startTs, max(end_ts) AS endTs
     FROM replay_chunks WHERE website_id = ? AND session_id = ?`,
  );
  const blob = sqlite.prepare<[string, string, number, string]>(
    'SELECT data FROM replay_chunks WHERE website_id = ? AND session_id = ? AND start_ts = ? AND id = ?',
  );
  const prev = sqlite.prepare<[string, string, number, number, string]>(
    `SELECT id FROM sessions WHERE website_id = ? AND visitor_id = ?
       AND (started_at < ? OR (started_at = ? AND id < ?))
     ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const next = sqlite.prepare<[string, string, number, number, string]>(
    `SELECT id FROM sessions WHERE website_id = ? AND visitor_id = ?
       AND (started_at > ? OR (started_at = ? AND id > ?))
     ORDER BY started_at, id LIMIT 1`,
  );
  return {
    findSessions: (id) => find.all(id) as ReplaySessionRef[],
    listChunks: (w, s) => list.all(w, s) as ChunkInfo[],
    summary: (w, s) => sum.get(w, s) as ReplaySummary,
    chunkData: (w, s, c) =>
      (blob.get(w, s, c.startTs, c.id) as { data: Buffer } | undefined)?.data ?? null,
    neighbors(s) {
      const args = [s.websiteId, s.visitorId, s.startedAt, s.startedAt, s.id] as const;
      const p = prev.get(...args) as { id: string } | undefined;
      const n = next.get(...args) as { id: string } | undefined;
      return { previous: p?.id ?? null, next: n?.id ?? null };
    },
  };
}

/** The events of one stored chunk as JSON text without the outer brackets ('' when empty). */
export function chunkEventsText(data: Buffer): string {
  const text = gunzipSync(data).toString('utf8').trim();
  return text.slice(1, -1).trim();
}

/**
 * The session's events as one JSON array, produced chunk by chunk: `[`, each chunk's events
 * joined with commas, `]`. Only one chunk is inflated at a time; a pull stream, so a slow
 * client holds back reading.
 */
export function replayStream(
  reader: ReplayReader,
  websiteId: string,
  sessionId: string,
): ReadableStream<Uint8Array> {
  const chunks = reader.listChunks(websiteId, sessionId);
  const enc = new TextEncoder();
  let i = 0;
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode('['));
    },
    pull(controller) {
      while (i < chunks.length) {
        const c = chunks[i++]!;
        const data = reader.chunkData(websiteId, sessionId, c);
        if (!data) continue;
        const body = chunkEventsText(data);
        if (!body) continue;
        controller.enqueue(enc.encode(first ? body : `,${body}`));
        first = false;
        return;
      }
      controller.enqueue(enc.encode(']'));
      controller.close();
    },
  });
}
