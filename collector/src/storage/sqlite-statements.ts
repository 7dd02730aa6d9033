import type Database from 'better-sqlite3';

type Str = string | null;
/** Positional parameters of the session upsert: the 28 columns, then entry ts and exit ts. */
export type SessionParams = [
  string,
  string,
  string,
  Str,
  number,
  number,
  number,
  number,
  number,
  Str,
  Str,
  ...Attributes,
  number,
  number,
  number,
  number,
  number,
  number,
];

/**
 * Positional parameters of the session touch: user id, ended at, pageviews, clicks, events, entry
 * path, exit path, exit ts, exit path, the 15 attributes, the 3 replay counters, then website id,
 * session id and started at.
 */
export type TouchParams = [
  Str,
  number,
  number,
  number,
  number,
  Str,
  Str,
  number,
  Str,
  ...Attributes,
  number,
  number,
  number,
  string,
  string,
  number,
];

/** The 15 descriptive session columns, hostname … country, in table order. */
export type Attributes = [
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
  Str,
];

/** SQL of the ingest hot path, prepared once per writer (Drizzle's builder is too slow here). */
export function prepareIngestStatements(sqlite: Database.Database) {
  return {
    insertEvent: sqlite.prepare<
      [
        string,
        number,
        string,
        string,
        string,
        string | null,
        string,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        number | null,
        number | null,
        string | null,
      ]
    >(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, user_id, type, name, path,
         hostname, title, referrer, scroll_depth, engaged_ms, props)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    latestSessionOfVisitor: sqlite.prepare<[string, string], { id: string; endedAt: number }>(
      `SELECT id, ended_at AS endedAt FROM sessions
       WHERE website_id = ? AND visitor_id = ? ORDER BY started_at DESC LIMIT 1`,
    ),
    // Counters add up; start/end widen; descriptive columns are set on insert and only filled
    // later when still empty (a batch may create the session before its pageview lands). The
    // referrer comes with the source, from the first pageview: a later pageview's referrer (the
    // previous page, or another site the visitor came back from) is not the session's.
    upsertSession: sqlite.prepare<SessionParams>(
      `INSERT INTO sessions (website_id, id, visitor_id, user_id, started_at, ended_at, pageviews,
         clicks, events, entry_path, exit_path, hostname, referrer, source, utm_source, utm_medium,
         utm_campaign, utm_term, utm_content, browser, browser_version, os, device, screen,
         language, country, cookieless, replay_events, replay_chunks, replay_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (website_id, id) DO UPDATE SET
         user_id = coalesce(excluded.user_id, sessions.user_id),
         started_at = min(sessions.started_at, excluded.started_at),
         ended_at = max(sessions.ended_at, excluded.ended_at),
         pageviews = sessions.pageviews + excluded.pageviews,
         clicks = sessions.clicks + excluded.clicks,
         events = sessions.events + excluded.events,
         entry_path = CASE WHEN excluded.entry_path IS NOT NULL
           AND (sessions.entry_path IS NULL OR ? < sessions.started_at)
           THEN excluded.entry_path ELSE sessions.entry_path END,
         exit_path = CASE WHEN excluded.exit_path IS NOT NULL
           AND (sessions.exit_path IS NULL OR ? >= sessions.ended_at)
           THEN excluded.exit_path ELSE sessions.exit_path END,
         hostname = coalesce(sessions.hostname, excluded.hostname),
         referrer = CASE WHEN sessions.source IS NULL
           THEN coalesce(sessions.referrer, excluded.referrer) ELSE sessions.referrer END,
         source = coalesce(sessions.source, excluded.source),
         utm_source = coalesce(sessions.utm_source, excluded.utm_source),
         utm_medium = coalesce(sessions.utm_medium, excluded.utm_medium),
         utm_campaign = coalesce(sessions.utm_campaign, excluded.utm_campaign),
         utm_term = coalesce(sessions.utm_term, excluded.utm_term),
         utm_content = coalesce(sessions.utm_content, excluded.utm_content),
         browser = coalesce(sessions.browser, excluded.browser),
         browser_version = coalesce(sessions.browser_version, excluded.browser_version),
         os = coalesce(sessions.os, excluded.os),
         device = coalesce(sessions.device, excluded.device),
         screen = coalesce(sessions.screen, excluded.screen),
         language = coalesce(sessions.language, excluded.language),
         country = coalesce(sessions.country, excluded.country),
         replay_events = sessions.replay_events + excluded.replay_events,
         replay_chunks = sessions.replay_chunks + excluded.replay_chunks,
         replay_bytes = sessions.replay_bytes + excluded.replay_bytes`,
    ),
    // The common case of a known session whose start does not move: the same update as the
    // upsert's, minus `started_at`. SQLite rewrites the entries of every index holding a column
    // named in SET, changed or not, and three session indexes hold started_at; leaving it out
    // halves the commit's dirty pages. No row changes when the session is new or starts earlier:
    // the writer then runs the upsert.
    touchSession: sqlite.prepare<TouchParams>(
      `UPDATE sessions SET
         user_id = coalesce(?, user_id),
         ended_at = max(ended_at, ?),
         pageviews = pageviews + ?,
         clicks = clicks + ?,
         events = events + ?,
         entry_path = coalesce(entry_path, ?),
         exit_path = CASE WHEN ? IS NOT NULL AND (exit_path IS NULL OR ? >= ended_at)
           THEN ? ELSE exit_path END,
         hostname = coalesce(hostname, ?),
         referrer = CASE WHEN source IS NULL THEN coalesce(referrer, ?) ELSE referrer END,
         source = coalesce(source, ?),
         utm_source = coalesce(utm_source, ?),
         utm_medium = coalesce(utm_medium, ?),
         utm_campaign = coalesce(utm_campaign, ?),
         utm_term = coalesce(utm_term, ?),
         utm_content = coalesce(utm_content, ?),
         browser = coalesce(browser, ?),
         browser_version = coalesce(browser_version, ?),
         os = coalesce(os, ?),
         device = coalesce(device, ?),
         screen = coalesce(screen, ?),
         language = coalesce(language, ?),
         country = coalesce(country, ?),
         replay_events = replay_events + ?,
         replay_chunks = replay_chunks + ?,
         replay_bytes = replay_bytes + ?
       WHERE website_id = ? AND id = ? AND started_at <= ?`,
    ),
    // the flush's events per (website, hour, type, name, path), added once per flush
    addRollup: sqlite.prepare<[string, number, string, string, string, number]>(
      `INSERT INTO event_rollups (website_id, hour, type, name, path, events) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (website_id, hour, type, name, path) DO UPDATE SET events = events + excluded.events`,
    ),
    bumpBotDrop: sqlite.prepare<[string, string, string]>(
      `INSERT INTO bot_drops (website_id, day, reason, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (website_id, day, reason) DO UPDATE SET count = count + 1`,
    ),
  };
}

export type IngestStatements = ReturnType<typeof prepareIngestStatements>;
