/**
 * SQLite schema (Drizzle). Times are integer milliseconds since the epoch.
 * Primary keys lead with website_id and, for time-series tables, the time column, so the same
 * shape works on PostgreSQL with Citus or TimescaleDB (SPEC §3.6).
 * Change it, then run `pnpm --filter @sightline/collector db:generate`. A generated migration is
 * edited by hand only for what drizzle-kit cannot declare, and says so at its top (0007 and 0008:
 * sessions and event_rollups WITHOUT ROWID; a later recreation of either table must keep it).
 */
import { sql } from 'drizzle-orm';
import {
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const websites = sqliteTable('websites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  domain: text('domain').notNull(),
  /** JSON array of hostnames allowed to send events; empty = any */
  allowedDomains: text('allowed_domains', { mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  timezone: text('timezone').notNull().default('UTC'),
  publicStats: integer('public_stats', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

/**
 * Accounts of people who use Sightline (not the visitors it tracks). `password_hash` is
 * `scrypt$N$r$p$salt$hash` (base64url), or '' while an invitation is pending.
 */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'member', 'viewer'] }).notNull(),
  createdAt: integer('created_at').notNull(),
  name: text('name'),
  /** sha256 hex of a pending invitation token (the user sets a password with it) */
  inviteHash: text('invite_hash'),
  inviteExpiresAt: integer('invite_expires_at'),
  /** failed logins since the last success; drives the backoff */
  failedLogins: integer('failed_logins').notNull().default(0),
  /** no login attempt is checked before this time (ms) */
  lockedUntil: integer('locked_until'),
  lastLoginAt: integer('last_login_at'),
});

/** Websites a member or viewer may see (admins see every website). */
export const userWebsites = sqliteTable(
  'user_websites',
  {
    userId: text('user_id').notNull(),
    websiteId: text('website_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.websiteId] }),
    index('user_websites_website_idx').on(t.websiteId),
  ],
);

/**
 * Login sessions: the dashboard's cookie and the bearer token of scripts are the same opaque
 * token (`sls_…`); only its sha256 is stored.
 */
export const authSessions = sqliteTable(
  'auth_sessions',
  {
    /** sha256 hex of the token */
    hash: text('hash').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** first characters of the key, shown in listings */
    prefix: text('prefix').notNull(),
    /** sha256 hex of the whole key */
    hash: text('hash').notNull().unique(),
    /** JSON array of 'read' | 'write' | 'admin' */
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    websiteId: text('website_id'),
    userId: text('user_id'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_keys_website_idx').on(t.websiteId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    websiteId: text('website_id').notNull(),
    id: text('id').notNull(),
    visitorId: text('visitor_id').notNull(),
    userId: text('user_id'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at').notNull(),
    pageviews: integer('pageviews').notNull().default(0),
    clicks: integer('clicks').notNull().default(0),
    events: integer('events').notNull().default(0),
    entryPath: text('entry_path'),
    exitPath: text('exit_path'),
    hostname: text('hostname'),
    referrer: text('referrer'),
    /** referrer host or utm_source, normalised (e.g. "google", "direct") */
    source: text('source'),
    utmSource: text('utm_source'),
    utmMedium: text('utm_medium'),
    utmCampaign: text('utm_campaign'),
    utmTerm: text('utm_term'),
    utmContent: text('utm_content'),
    browser: text('browser'),
    browserVersion: text('browser_version'),
    os: text('os'),
    device: text('device'),
    screen: text('screen'),
    language: text('language'),
    country: text('country'),
    cookieless: integer('cookieless', { mode: 'boolean' }).notNull().default(false),
    replayChunks: integer('replay_chunks').notNull().default(0),
    replayEvents: integer('replay_events').notNull().default(0),
    replayBytes: integer('replay_bytes').notNull().default(0),
  },
  // Clustered (WITHOUT ROWID, see drizzle/0007) by (website, start): a range of a site's
  // sessions is read from the table itself, in order, and a touch of a known session rewrites
  // one page (no index holds the columns a touch changes).
  (t) => [
    primaryKey({ columns: [t.websiteId, t.startedAt, t.id] }),
    uniqueIndex('sessions_key').on(t.websiteId, t.id),
    index('sessions_id_idx').on(t.id),
    // the newest-first list across every website (admin keys) without sorting all sessions
    index('sessions_started_idx').on(t.startedAt, t.id, t.websiteId),
    index('sessions_visitor_idx').on(t.websiteId, t.visitorId, t.startedAt),
  ],
);

/**
 * One row per tracked event of any type (pageview, custom, identify, click, outbound, scroll,
 * rageclick, deadclick, error). The primary key (website_id, ts, id) makes retries idempotent:
 * a client event keeps its id and timestamp across retries.
 */
export const events = sqliteTable(
  'events',
  {
    websiteId: text('website_id').notNull(),
    ts: integer('ts').notNull(),
    id: text('id').notNull(),
    sessionId: text('session_id').notNull(),
    visitorId: text('visitor_id').notNull(),
    userId: text('user_id'),
    type: text('type').notNull(),
    /** custom event name; tag name for clicks */
    name: text('name'),
    /** path of the page (no origin), query kept unless excluded by the tracker */
    path: text('path'),
    hostname: text('hostname'),
    title: text('title'),
    referrer: text('referrer'),
    scrollDepth: integer('scroll_depth'),
    engagedMs: integer('engaged_ms'),
    /** everything else: click fields, custom props, identify traits, … */
    props: text('props', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  // No index on session_id: random-order inserts into it cost most of the ingest time. A
  // session's events are read through the primary key over its [started_at, ended_at] range.
  (t) => [primaryKey({ columns: [t.websiteId, t.ts, t.id] })],
);

/**
 * Event counts per website, UTC hour, type, name and page: the rollup that answers counts over long
 * ranges without reading raw events. Kept in the ingest transaction (each flush adds what it
 * inserted), and by every deletion of events; `name` and `path` hold '' where the event has none,
 * so the primary key can match them. Reports read whole hours here and the ragged edges of a range
 * (half-hour zones, `period=24h`) from the events themselves. Clustered (WITHOUT ROWID, see
 * drizzle/0008) by the primary key.
 */
export const eventRollups = sqliteTable(
  'event_rollups',
  {
    websiteId: text('website_id').notNull(),
    /** start of the UTC hour, ms since epoch */
    hour: integer('hour').notNull(),
    type: text('type').notNull(),
    name: text('name').notNull(),
    path: text('path').notNull(),
    events: integer('events').notNull(),
  },
  (t) => [primaryKey({ columns: [t.websiteId, t.hour, t.type, t.name, t.path] })],
);

/**
 * Replay storage: one row per chunk of rrweb events, gzip-compressed. `id` is the client's chunk id
 * (kept on retry) so `INSERT … ON CONFLICT DO NOTHING` makes retries idempotent; `seq` orders
 * chunks that start at the same millisecond.
 */
export const replayChunks = sqliteTable(
  'replay_chunks',
  {
    websiteId: text('website_id').notNull(),
    sessionId: text('session_id').notNull(),
    id: text('id').notNull(),
    seq: integer('seq').notNull(),
    startTs: integer('start_ts').notNull(),
    endTs: integer('end_ts').notNull(),
    eventCount: integer('event_count').notNull(),
    rawBytes: integer('raw_bytes').notNull(),
    storedBytes: integer('stored_bytes').notNull(),
    /** gzip of the JSON array of rrweb events */
    data: blob('data', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.websiteId, t.sessionId, t.startTs, t.id] }),
    index('replay_chunks_order_idx').on(t.websiteId, t.sessionId, t.startTs, t.seq),
  ],
);

/** Stored replay bytes per website and UTC day, for the per-website daily cap. */
export const replayUsage = sqliteTable(
  'replay_usage',
  {
    websiteId: text('website_id').notNull(),
    /** `YYYY-MM-DD` (UTC) */
    day: text('day').notNull(),
    storedBytes: integer('stored_bytes').notNull().default(0),
    chunks: integer('chunks').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.websiteId, t.day] })],
);

/** Events the server bot filter dropped, per website, day and reason. */
export const botDrops = sqliteTable(
  'bot_drops',
  {
    websiteId: text('website_id').notNull(),
    day: text('day').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.websiteId, t.day, t.reason] })],
);

/** Daily salts for cookieless visitor hashes; shared by every collector through the database. */
export const salts = sqliteTable('salts', {
  day: text('day').primaryKey(),
  salt: text('salt').notNull(),
});

export type Website = typeof websites.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type EventRow = typeof events.$inferInsert;
