/**
 * Raw events and people: list with keyset paging, get and delete one event, the journey of a
 * visitor or a user, and erasure (GDPR) of everything of a visitor or a user. Events are found
 * through the primary key (website, time); an id alone is looked up within one website.
 */
import type Database from 'better-sqlite3';
import type { EventRecord } from '../storage/types.js';

/** A stored event as the API answers it: the ingest record plus its owners, props parsed. */
export interface RawEvent extends Omit<EventRecord, 'props'> {
  websiteId: string;
  sessionId: string;
  visitorId: string;
  props: unknown;
}

const COLUMNS = `website_id AS websiteId, ts, id, session_id AS sessionId, visitor_id AS visitorId,
  user_id AS userId, type, name, path, hostname, title, referrer, scroll_depth AS scrollDepth,
  engaged_ms AS engagedMs, props`;

function present(r: RawEvent & { props: string | null }): RawEvent {
  return { ...r, props: r.props === null ? null : (JSON.parse(r.props) as unknown) };
}

/** The rollup rows of a set of events (complete it with WHERE … GROUP BY 1, 2, 3, 4, 5). */
const ROLLUP_OF = `SELECT website_id, ts - ts % 3600000 AS hour, type, coalesce(name, '') AS name,
  coalesce(path, '') AS path, count(*) AS n FROM events`;

/** Takes the rows of the CTE `gone` off the rollup (before the events themselves are deleted). */
const SUBTRACT = `UPDATE event_rollups SET events = event_rollups.events - gone.n FROM gone
  WHERE event_rollups.website_id = gone.website_id AND event_rollups.hour = gone.hour
    AND event_rollups.type = gone.type AND event_rollups.name = gone.name
    AND event_rollups.path = gone.path`;

export function createRawEvents(sqlite: Database.Database) {
  // one event: its own row of the rollup (ts range [ts, ts + 1) and id)
  const takeOffRollups = sqlite.prepare(
    `WITH gone AS (${ROLLUP_OF} WHERE website_id = ? AND ts >= ? AND ts < ? AND id = ?
       GROUP BY 1, 2, 3, 4, 5) ${SUBTRACT}`,
  );
  const page = sqlite.prepare(
    `SELECT ${COLUMNS} FROM events
     WHERE website_id = ? AND ts >= ? AND ts < ? AND (? IS NULL OR type = ?)
       AND (ts < ? OR (ts = ? AND id < ?))
     ORDER BY ts DESC, id DESC LIMIT ?`,
  );
  const byId = sqlite.prepare(`SELECT ${COLUMNS} FROM events WHERE website_id = ? AND id = ?`);

  /** Newest first; `before` is the cursor [ts, id] of the last row of the previous page. */
  function list(
    websiteId: string,
    from: number,
    to: number,
    type: string | null,
    limit: number,
    before: [number, string] | null,
  ) {
    const [ts, id] = before ?? [Number.MAX_SAFE_INTEGER, ''];
    const rows = page.all(websiteId, from, to, type, type, ts, ts, id, limit) as (RawEvent & {
      props: string | null;
    })[];
    return rows.map(present);
  }

  function get(websiteId: string, id: string): RawEvent | undefined {
    const r = byId.get(websiteId, id) as (RawEvent & { props: string | null }) | undefined;
    return r && present(r);
  }

  /** Deletes one event and takes it off its session's counters. */
  const remove = sqlite.transaction((websiteId: string, id: string): boolean => {
    const e = byId.get(websiteId, id) as RawEvent | undefined;
    if (!e) return false;
    takeOffRollups.run(websiteId, e.ts, e.ts + 1, id);
    sqlite
      .prepare('DELETE FROM events WHERE website_id = ? AND ts = ? AND id = ?')
      .run(websiteId, e.ts, id);
    sqlite
      .prepare(
        `UPDATE sessions SET events = max(events - 1, 0),
           pageviews = max(pageviews - (? = 'pageview'), 0), clicks = max(clicks - (? = 'click'), 0)
         WHERE website_id = ? AND id = ?`,
      )
      .run(e.type, e.type, websiteId, e.sessionId);
    return true;
  });

  /** All events of a visitor (or of the visitors a user was identified as), oldest first. */
  function journey(websiteIds: readonly string[] | null, who: { visitorIds: string[] }) {
    if (who.visitorIds.length === 0) return [];
    const sites =
      websiteIds === null ? '' : ` AND website_id IN (${websiteIds.map(() => '?').join(',')})`;
    const rows = sqlite
      .prepare(
        `SELECT ${COLUMNS} FROM events WHERE visitor_id IN (${who.visitorIds.map(() => '?').join(',')})${sites}
         ORDER BY ts, id LIMIT 10000`,
      )
      .all(...who.visitorIds, ...(websiteIds ?? [])) as (RawEvent & { props: string | null })[];
    return rows.map(present);
  }

  /** The visitor ids a user id was seen with (sessions and identify events). */
  function visitorsOfUser(websiteIds: readonly string[] | null, userId: string): string[] {
    const sites =
      websiteIds === null ? '' : ` AND website_id IN (${websiteIds.map(() => '?').join(',')})`;
    const params = [userId, ...(websiteIds ?? [])];
    const rows = sqlite
      .prepare(
        `SELECT visitor_id AS v FROM sessions WHERE user_id = ?${sites}
         UNION SELECT visitor_id FROM events WHERE user_id = ?${sites}`,
      )
      .all(...params, ...params) as { v: string }[];
    return rows.map((r) => r.v);
  }

  /** Erases every event, session and replay of these visitors (in the given websites). */
  const erase = sqlite.transaction(
    (websiteIds: readonly string[] | null, visitorIds: string[]): Record<string, number> => {
      const out = { events: 0, sessions: 0, replayChunks: 0 };
      if (visitorIds.length === 0) return out;
      const v = visitorIds.map(() => '?').join(',');
      const sites =
        websiteIds === null ? '' : ` AND website_id IN (${websiteIds.map(() => '?').join(',')})`;
      const params = [...visitorIds, ...(websiteIds ?? [])];
      out.replayChunks = sqlite
        .prepare(
          `DELETE FROM replay_chunks WHERE (website_id, session_id) IN
             (SELECT website_id, id FROM sessions WHERE visitor_id IN (${v})${sites})`,
        )
        .run(...params).changes;
      sqlite
        .prepare(
          `WITH gone AS (${ROLLUP_OF} WHERE visitor_id IN (${v})${sites} GROUP BY 1, 2, 3, 4, 5)
           ${SUBTRACT}`,
        )
        .run(...params);
      out.events = sqlite
        .prepare(`DELETE FROM events WHERE visitor_id IN (${v})${sites}`)
        .run(...params).changes;
      out.sessions = sqlite
        .prepare(`DELETE FROM sessions WHERE visitor_id IN (${v})${sites}`)
        .run(...params).changes;
      return out;
    },
  );

  return { list, get, remove, journey, visitorsOfUser, erase };
}

export type RawEvents = ReturnType<typeof createRawEvents>;
