/**
 * The column store: the analytics rows of one SQLite database held in memory as typed-array
 * columns, partitioned per website, for the reports that scan many rows (overview, time series,
 * breakdowns; see `columns/reports.ts` and docs/analytics.md). SQLite stays the source of truth:
 *
 * - **Build**: in the background, in chunks (`setImmediate` between them, so ingest and requests
 *   keep flowing): the events' high-water mark (`rowid`) is taken first, then every session is
 *   read (keyset over the primary key), then the events up to the mark (`rowid` ranges). Until it
 *   is ready, reports answer from SQL.
 * - **Freshness**: before a report is answered, the store catches up: events above the mark are
 *   appended and their sessions re-read (by `sessions_key`) and updated in place or added. A
 *   session can also change without an event row being inserted (a replay-only batch widens
 *   `ended_at`, an identify whose events were all duplicates, a batch creating a session with no
 *   new event): temporary triggers of this connection log those sessions, and they are re-read
 *   too.
 * - **Deletions** (a raw event, an erased visitor, a deleted website: anything deleting or
 *   updating events, or deleting sessions, through this connection) are seen by temporary
 *   triggers and make the store rebuild; SQL answers meanwhile. Another process's inserts are
 *   picked up by the `rowid` catch-up; its deletions and event-less session changes are not.
 * - **Limits**: `SIGHTLINE_COLUMNS=off` disables it; above `SIGHTLINE_COLUMNS_MAX_EVENTS`
 *   (default 30 M, or what a quarter of the machine's memory holds) events it is dropped and SQL
 *   answers.
 *
 * Strings are dictionary-coded (`dictionary.ts`); sessions and visitors get dense per-website
 * ordinals so distinct counts are stamp arrays or bitmaps, not hash sets of strings.
 */
import type Database from 'better-sqlite3';
import type { CommittedEvent } from '../../storage/sqlite-writer.js';
import { totalmem } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { dimension, dimensionNames } from '../dimensions.js';
import { Dictionary } from './dictionary.js';
import { BLOCK_SHIFT, Blocks, Growable, IdColumn } from './growable.js';
import { startHelper } from './helper-thread.js';
import { FAST, PageviewLinks } from './paths.js';
import { RepeatViews } from './repeat-views.js';
import { ScrollBlocks } from './scroll-sums.js';
import { durationBucket, pagesBucket } from '../session-buckets.js';

/** The session dimensions, in column order: report name and `sessions` column. */
export const SESSION_DIMS: readonly { name: string; column: string }[] = dimensionNames
  .filter((n) => !n.includes('<'))
  .map((n) => dimension(n))
  .filter((d) => d.kind === 'session')
  .map((d) => ({ name: d.name, column: d.sql.slice(2) }));

const SESSION_COLUMNS = `website_id, id, visitor_id, started_at, ended_at, pageviews, events, ${SESSION_DIMS.map((d) => d.column).join(', ')}, user_id`;
const FIRST_DIM = 7; // index of the first dimension in a raw session row
const USER = FIRST_DIM + SESSION_DIMS.length; // index of `user_id`

type SessionRow = unknown[];
/** An event row as read (and as the writer commits it), see `CommittedEvent`. */
type EventRow = CommittedEvent;

/**
 * Scroll depth and engaged time of the events that have them (scroll events; the pages report's
 * averages, the generic query's numeric fields), as a sparse list in row order. -1 is NULL.
 */
export class ScrollRows {
  readonly row = new Growable(Int32Array, 256);
  readonly depth = new Growable(Int32Array, 256);
  readonly engagedMs = new Growable(Float64Array, 256);
  /** the row's path id + 1 when it is a scroll event, else 0 (the pages report reads it in order) */
  readonly scrollPage = new Growable(Int32Array, 256);
  /** the scroll events' figures summed per page and block of this list */
  readonly blocks = new ScrollBlocks();

  get bytes(): number {
    return (
      this.row.bytes +
      this.depth.bytes +
      this.engagedMs.bytes +
      this.scrollPage.bytes +
      this.blocks.bytes
    );
  }
}

/** The columns of one website. */
export class SiteColumns {
  // sessions, by ordinal
  readonly sStart = new Growable(Float64Array);
  readonly sEnd = new Growable(Float64Array);
  readonly sVisitor = new Growable(Int32Array);
  readonly sPageviews = new Growable(Int32Array);
  readonly sDims: IdColumn[] = SESSION_DIMS.map(() => new IdColumn());
  readonly sBlocks: Blocks;
  /** min/max of `ended_at` per block of sessions (the sessions of a range cut by its start) */
  readonly sEndBlocks: Blocks;
  /** identified user ordinal, 1…; 0 for none */
  readonly sUser = new Growable(Int32Array);
  /** `sessions.events`: the writer's count of the session's events */
  readonly sEvents = new Growable(Int32Array);
  /**
   * The sessions report's view of each session, kept as it changes: duration bucket (bits 0–2),
   * pages bucket (3–5), and 1 << 6 when its paths are recounted from its rows (`RECOUNT`)
   */
  readonly sShape = new Growable(Uint8Array);
  readonly sessionOrd = new Map<string, number>();
  readonly visitorOrd = new Map<string, number>();
  /** user ids by ordinal − 1 */
  readonly userOrd = new Map<string, number>();
  // events, in rowid order
  readonly eTs = new Growable(Float64Array);
  /** session ordinal, -1 when the session is unknown */
  readonly eSession = new Growable(Int32Array);
  /** visitor ordinal of the event's own `visitor_id` */
  readonly eVisitor = new Growable(Int32Array);
  readonly eType = new IdColumn();
  readonly ePath = new IdColumn();
  /** the `event` dimension: the name of a custom event, the type of any other */
  readonly eLabel = new IdColumn();
  /** the `props` JSON text (dictionary id, 0 = none); custom properties are read through it */
  readonly eProps = new IdColumn();
  readonly eBlocks: Blocks;
  /** the rows of each path id (a page filter reads only its pages' rows) */
  readonly pathRows: (Growable<Int32Array> | undefined)[] = [];
  /**
   * parallel to `pathRows`: each row's `pathTag` (its session and whether it is a pageview), so
   * a page filter's sessions and pageviews are read in sequence, not gathered across the columns
   */
  readonly pathTags: (Growable<Int32Array> | undefined)[] = [];
  /** the rows of each custom event name, by label id (an event filter reads only its rows) */
  readonly labelRows: (Growable<Int32Array> | undefined)[] = [];
  /** parallel to `labelRows`: each row's time and visitor ordinal (a funnel reads them in turn) */
  readonly labelTs: (Growable<Float64Array> | undefined)[] = [];
  readonly labelVisitor: (Growable<Int32Array> | undefined)[] = [];
  /**
   * the pageview rows of each path id, with each one's time and visitor ordinal: a funnel's page
   * steps read their pages' pageviews in turn, not every pageview of the range
   */
  readonly pathPageviews: (Growable<Int32Array> | undefined)[] = [];
  readonly pathPageviewTs: (Growable<Float64Array> | undefined)[] = [];
  readonly pathPageviewVisitor: (Growable<Int32Array> | undefined)[] = [];
  /** the rows of pageviews, in row order (pageview-only scans read them, not every row) */
  readonly pageviewRows = new Growable(Int32Array);
  /** each pageview's link to its session's previous one (the sessions report's paths) */
  readonly links = new PageviewLinks();
  /** each pageview's link to its visitor's previous one of the same page (distinct visitors) */
  readonly repeats = new RepeatViews();
  /** pageviews per block of events (counts of whole blocks without reading their rows) */
  readonly ePageviews = new Growable(Int32Array, 64);
  readonly scroll = new ScrollRows();
  /** events whose session was not known yet, by session id (linked when it comes) */
  readonly orphans = new Map<string, number[]>();
  /** bumps on every change (caches of filter masks key on it) */
  version = 0;

  constructor(shift = BLOCK_SHIFT) {
    this.sBlocks = new Blocks(shift);
    this.sEndBlocks = new Blocks(shift);
    this.eBlocks = new Blocks(shift);
  }

  get sessions(): number {
    return this.sStart.length;
  }
  get events(): number {
    return this.eTs.length;
  }
  get visitors(): number {
    return this.visitorOrd.size;
  }
  /** user ordinals are below this (0 is none) */
  get users(): number {
    return this.userOrd.size + 1;
  }

  user(id: string | null): number {
    if (id === null) return 0;
    let u = this.userOrd.get(id);
    if (u === undefined) this.userOrd.set(id, (u = this.userOrd.size + 1));
    return u;
  }

  visitor(id: string): number {
    let v = this.visitorOrd.get(id);
    if (v === undefined) this.visitorOrd.set(id, (v = this.visitorOrd.size));
    return v;
  }

  /**
   * Links pageview `k` of the list to session `s` (`PageviewLinks.link`); only the recount bit
   * of its shape can change (the buckets follow the session's row, `reshape`).
   */
  link(k: number, s: number, t: number, path: number): void {
    this.links.link(k, s, t, path);
    this.sShape.data[s] = (this.sShape.data[s]! & 0x3f) | this.recountBit(s);
  }

  /** Session `s`'s `sShape` from its times, pageviews and links. */
  reshape(s: number): void {
    const d = this.sEnd.data[s]! - this.sStart.data[s]!;
    this.sShape.data[s] =
      durationBucket(d) | (pagesBucket(this.sPageviews.data[s]!) << 3) | this.recountBit(s);
  }

  /** 1 << 6 when session `s`'s paths are recounted from its rows (`PageviewLinks.mode`). */
  private recountBit(s: number): number {
    return (this.links.mode(s, this.sStart.data[s]!, this.sEnd.data[s]!) - FAST) << 6;
  }

  /** Shrinks every column to its length and an eighth more (a build leaves up to 2× capacity). */
  fit(): void {
    for (const c of [this.sStart, this.sEnd, this.sVisitor, this.sPageviews, this.eTs]) c.fit();
    for (const c of [this.eSession, this.eVisitor, this.ePageviews, this.pageviewRows]) c.fit();
    this.links.fit();
    this.repeats.fit();
    this.sUser.fit();
    this.sEvents.fit();
    this.sShape.fit();
    for (const c of [...this.sDims, this.eType, this.ePath, this.eLabel]) c.fit();
    for (const b of [this.sBlocks, this.sEndBlocks, this.eBlocks]) b.fit();
    for (const r of [...this.pathRows, ...this.pathTags, ...this.labelRows]) r?.fit();
    for (const r of [...this.labelTs, ...this.labelVisitor]) r?.fit();
    for (const r of [...this.pathPageviews, ...this.pathPageviewTs, ...this.pathPageviewVisitor])
      r?.fit();
  }

  /** Column bytes held (typed arrays at capacity), without the id maps. */
  get columnBytes(): { events: number; sessions: number } {
    let events =
      this.eTs.bytes +
      this.eSession.bytes +
      this.eVisitor.bytes +
      this.eType.bytes +
      this.ePath.bytes +
      this.eLabel.bytes +
      this.eProps.bytes +
      this.eBlocks.bytes +
      this.ePageviews.bytes +
      this.scroll.bytes;
    for (const r of [...this.pathRows, ...this.pathTags, ...this.labelRows])
      if (r) events += r.bytes;
    for (const r of [...this.labelTs, ...this.labelVisitor]) if (r) events += r.bytes;
    for (const r of [...this.pathPageviews, ...this.pathPageviewTs, ...this.pathPageviewVisitor])
      if (r) events += r.bytes;
    events += this.pageviewRows.bytes + this.links.pageviewBytes + this.repeats.bytes;
    let sessions =
      this.sStart.bytes +
      this.sEnd.bytes +
      this.sVisitor.bytes +
      this.sPageviews.bytes +
      this.sUser.bytes +
      this.sEvents.bytes +
      this.sShape.bytes +
      this.links.sessionBytes +
      this.sBlocks.bytes +
      this.sEndBlocks.bytes;
    for (const d of this.sDims) sessions += d.bytes;
    return { events, sessions };
  }
}

/**
 * One custom property's value per distinct `props` text: as text (an id of `values`, 0 = NULL,
 * as `CAST(json_extract(props, '$."key"') AS TEXT)`) and as a number (NaN unless the JSON value is
 * an integer or a real, as the generic query's numeric fields).
 */
export class PropIndex {
  readonly values = new Dictionary();
  text = new Int32Array(1024);
  num = new Float64Array(1024);
  /** props ids read so far */
  size = 0;
  private readonly read: Database.Statement;

  constructor(sqlite: Database.Database, key: string) {
    const path = `'$."${key}"'`;
    this.read = sqlite
      .prepare(
        `SELECT CAST(json_extract(@p, ${path}) AS TEXT), CASE WHEN json_type(@p, ${path}) IN
         ('integer', 'real') THEN json_extract(@p, ${path}) END`,
      )
      .raw();
  }

  extend(texts: readonly (string | null)[]): void {
    if (this.size === texts.length) return;
    if (this.text.length < texts.length) {
      const n = Math.max(texts.length, this.text.length * 2);
      const text = new Int32Array(n);
      text.set(this.text);
      const num = new Float64Array(n);
      num.set(this.num);
      this.text = text;
      this.num = num;
    }
    for (let id = this.size; id < texts.length; id++) {
      const t = texts[id];
      if (t === null || t === undefined) {
        this.text[id] = 0;
        this.num[id] = NaN;
        continue;
      }
      const [value, n] = this.read.get({ p: t }) as [string | null, number | null];
      this.text[id] = this.values.id(value);
      this.num[id] = n ?? NaN;
    }
    this.size = texts.length;
  }
}

export type ColumnState = 'idle' | 'building' | 'ready' | 'over' | 'off' | 'failed';

export interface ColumnOptions {
  /** false: never build (SQL answers); default from `SIGHTLINE_COLUMNS` (`off` disables) */
  enabled?: boolean;
  /**
   * more events than this: no column store; default `SIGHTLINE_COLUMNS_MAX_EVENTS`, else 30 M or
   * what a quarter of the machine's memory holds (`defaultMaxEvents`)
   */
  maxEvents?: number;
  /** rows read per chunk of the build (and of a catch-up) */
  chunkRows?: number;
  /** log2 of the rows per block of min/max times (default 12: 4096 rows) */
  blockShift?: number;
}

const TRIGGERS = [
  'CREATE TEMP TABLE IF NOT EXISTS sightline_columns_log (website_id TEXT, id TEXT)',
  'CREATE TEMP TABLE IF NOT EXISTS sightline_columns_state (deletes INTEGER NOT NULL)',
  'INSERT INTO sightline_columns_state SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM sightline_columns_state)',
  `CREATE TEMP TRIGGER IF NOT EXISTS sightline_columns_event_delete AFTER DELETE ON main.events
   BEGIN UPDATE sightline_columns_state SET deletes = deletes + 1; END`,
  `CREATE TEMP TRIGGER IF NOT EXISTS sightline_columns_event_update AFTER UPDATE ON main.events
   BEGIN UPDATE sightline_columns_state SET deletes = deletes + 1; END`,
  `CREATE TEMP TRIGGER IF NOT EXISTS sightline_columns_session_delete AFTER DELETE ON main.sessions
   BEGIN UPDATE sightline_columns_state SET deletes = deletes + 1; END`,
  // a session changed without an event of its own being inserted (its counter did not move)
  `CREATE TEMP TRIGGER IF NOT EXISTS sightline_columns_session_touch AFTER UPDATE ON main.sessions
   WHEN new.events = old.events
   BEGIN INSERT INTO sightline_columns_log VALUES (new.website_id, new.id); END`,
  `CREATE TEMP TRIGGER IF NOT EXISTS sightline_columns_session_insert AFTER INSERT ON main.sessions
   WHEN new.events = 0
   BEGIN INSERT INTO sightline_columns_log VALUES (new.website_id, new.id); END`,
];

const DROP = [
  'DROP TRIGGER IF EXISTS temp.sightline_columns_event_delete',
  'DROP TRIGGER IF EXISTS temp.sightline_columns_event_update',
  'DROP TRIGGER IF EXISTS temp.sightline_columns_session_delete',
  'DROP TRIGGER IF EXISTS temp.sightline_columns_session_touch',
  'DROP TRIGGER IF EXISTS temp.sightline_columns_session_insert',
  'DROP TABLE IF EXISTS temp.sightline_columns_log',
  'DROP TABLE IF EXISTS temp.sightline_columns_state',
];

/** How often a started store catches up without a report asking (ms). */
const CATCH_UP_MS = 5000;

/** Bytes of memory the store may take of the machine's: a quarter. */
const MEMORY_SHARE = 1 / 4;
/** Bytes of RSS per event held, measured at 1 M and 10 M events (79–125), with room. */
const BYTES_PER_EVENT = 144;

/**
 * The default cap on events held: 30 M, or fewer on a machine whose memory a quarter of would not
 * hold them (2 GB of RAM: 3.7 M events), so a small server answers from SQL rather than swapping.
 */
export function defaultMaxEvents(totalBytes = totalmem()): number {
  return Math.min(30_000_000, Math.floor((totalBytes * MEMORY_SHARE) / BYTES_PER_EVENT));
}

/**
 * When `npm start` builds the store: `SIGHTLINE_COLUMNS=eager` at start, else (the default) on
 * the first report asked for, so a collector that only ingests holds no columns.
 */
export function columnStartFromEnv(env: NodeJS.ProcessEnv = process.env): true | 'on-demand' {
  return /^eager$/i.test(env.SIGHTLINE_COLUMNS ?? '') ? true : 'on-demand';
}

export function columnOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ColumnOptions {
  const max = Number(env.SIGHTLINE_COLUMNS_MAX_EVENTS);
  return {
    enabled: !/^(off|0|false|no)$/i.test(env.SIGHTLINE_COLUMNS ?? ''),
    ...(Number.isFinite(max) && max > 0 ? { maxEvents: max } : {}),
  };
}

export class ColumnStore {
  state: ColumnState;
  private sites = new Map<string, SiteColumns>();
  readonly dims: Dictionary[] = SESSION_DIMS.map(() => new Dictionary());
  readonly paths = new Dictionary();
  readonly labels = new Dictionary();
  readonly types = new Dictionary();
  /** distinct `props` texts */
  readonly props = new Dictionary();
  private readonly propIndexes = new Map<string, PropIndex>();
  private hwm = 0;
  /** sessions of the rows `accept` appended, by website: re-read at the next catch-up */
  private readonly touched = new Map<string, Set<string>>();
  private deletesSeen = 0;
  private generation = 0;
  private running: Promise<void> | null = null;
  /** build in the background again after an invalidation */
  private keepBuilt = false;
  private readonly maxEvents: number;
  private readonly chunkRows: number;
  private readonly blockShift: number;
  private eventCount = 0;
  /** while true SQL answers though the store is ready (benchmarks compare both paths) */
  suspended = false;
  /**
   * a page filter reads its pages' rows when they are at most this share of the events (at a
   * sixteenth, reading them cost more than a scan at 10 M events: nearly every cache line of
   * the columns is read either way)
   */
  pathRowsShare = 1 / 64;
  /**
   * bytes of scratch bitmaps a breakdown may use at once for its distinct counts: about a core's
   * L2 cache; more groups are counted in several passes (at 10 M events, 75 pages' bitmaps at
   * once, 3 MB touched at random, took 2–3× as long as passes of 50 within 2 MB while the shared
   * machine was busy, and as long when it was quiet)
   */
  bitmapBytes = 2 * 1024 * 1024;
  readonly stats = {
    builds: 0,
    lastBuildMs: 0,
    answered: 0,
    rebuilds: 0,
    caughtUp: 0,
    /** event rows appended from the writer's commits */
    accepted: 0,
  };
  private st: ReturnType<typeof statements> | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** set by `reset()`: a build under way gives up */
  private stopped = false;
  /** `startOnDemand()`: the first report asked for starts the store */
  private onDemand = false;

  constructor(
    private readonly sqlite: Database.Database,
    options: ColumnOptions = {},
  ) {
    const o = { ...columnOptionsFromEnv(), ...options };
    this.state = o.enabled === false ? 'off' : 'idle';
    this.maxEvents = o.maxEvents ?? defaultMaxEvents();
    this.chunkRows = o.chunkRows ?? 10_000;
    this.blockShift = o.blockShift ?? BLOCK_SHIFT;
  }

  /**
   * The values of custom property `key` (validated by `dimensions.ts`) for every distinct
   * `props` text, extended to the texts added since the last call. SQLite's own `json_extract`
   * reads them, so values are exactly what the SQL path sees.
   */
  prop(key: string): PropIndex {
    let idx = this.propIndexes.get(key);
    if (!idx) this.propIndexes.set(key, (idx = new PropIndex(this.sqlite, key)));
    idx.extend(this.props.values);
    return idx;
  }

  /**
   * Starts a build in the background (errors are logged, SQL keeps answering), and catches up
   * every few seconds from then on, so the log of changed sessions stays short and a report
   * after a quiet spell does not append hours of rows.
   */
  start(): void {
    this.keepBuilt = true;
    this.timer ??= setInterval(() => {
      if (this.state !== 'ready' || this.suspended || !this.sqlite.open) return;
      try {
        this.catchUp();
      } catch (err) {
        console.error('sightline: column store catch-up failed', err);
      }
    }, CATCH_UP_MS).unref();
    this.build().catch((err) => console.error('sightline: column store build failed', err));
  }

  /**
   * `start()` once a report first asks for a website's columns (SQL answers that one): the
   * memory of the columns is taken only by a collector whose reports are read.
   */
  startOnDemand(): void {
    this.onDemand = true;
  }

  /** Builds (or joins the build under way); resolves once ready, over the cap, or off. */
  build(): Promise<void> {
    if (this.state === 'off') return Promise.resolve();
    if (this.state === 'ready') return Promise.resolve();
    this.stopped = false;
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Drops the columns and rebuilds them (in the background, if the store was started). */
  invalidate(): void {
    if (this.state === 'off') return;
    this.generation++;
    this.clear();
    this.state = 'idle';
    this.stats.rebuilds++;
    if (this.keepBuilt) this.start();
  }

  /** Drops the columns and the triggers; SQL answers until the next `build()`. */
  reset(): void {
    if (this.state === 'off') return;
    this.generation++;
    this.keepBuilt = false;
    this.onDemand = false;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.state = 'idle';
    if (this.st && this.sqlite.open) for (const sql of DROP) this.sqlite.prepare(sql).run();
    this.st = null;
  }

  /**
   * The columns of a website, caught up with every committed row; null while not ready (or
   * when a deletion made it rebuild, or the cap was passed).
   */
  site(websiteId: string): SiteColumns | null {
    if (this.onDemand && !this.keepBuilt && this.state === 'idle') this.start();
    if (this.state !== 'ready' || this.suspended || !this.sqlite.open) return null;
    try {
      if (!this.catchUp()) return null;
    } catch (err) {
      // e.g. the database busy: SQL answers this one, the next report tries again
      console.error('sightline: column store catch-up failed', err);
      return null;
    }
    return this.siteOf(websiteId);
  }

  /** Events, sessions, visitors held and bytes of the columns and dictionaries. */
  size() {
    let events = 0;
    let sessions = 0;
    let visitors = 0;
    let eventBytes = 0;
    let sessionBytes = 0;
    for (const s of this.sites.values()) {
      events += s.events;
      sessions += s.sessions;
      visitors += s.visitors;
      const b = s.columnBytes;
      eventBytes += b.events;
      sessionBytes += b.sessions;
    }
    let dictBytes = this.paths.bytes + this.labels.bytes + this.types.bytes;
    for (const d of this.dims) dictBytes += d.bytes;
    return { events, sessions, visitors, eventBytes, sessionBytes, dictBytes };
  }

  private clear(): void {
    this.sites = new Map();
    this.eventCount = 0;
    this.hwm = 0;
    this.touched.clear();
    // dictionaries are kept: ids stay valid for the values they have (only ever grow)
  }

  private siteOf(websiteId: string): SiteColumns {
    let s = this.sites.get(websiteId);
    if (!s) this.sites.set(websiteId, (s = new SiteColumns(this.blockShift)));
    return s;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.stopped) break;
      const gen = this.generation;
      this.state = 'building';
      const t0 = performance.now();
      try {
        const done = await this.load(gen);
        if (done === 'stale') continue;
        if (done === 'over') {
          this.clear();
          this.state = 'over';
          return;
        }
        this.state = 'ready';
        // the helper thread loads while the first reports come: it then takes half of the large ones
        startHelper();
        this.stats.builds++;
        this.stats.lastBuildMs = performance.now() - t0;
        return;
      } catch (err) {
        if (gen !== this.generation) continue;
        this.clear();
        this.state = this.sqlite.open ? 'failed' : 'idle';
        if (this.sqlite.open) throw err;
        return;
      }
    }
    this.state = 'idle';
  }

  /** One build; 'stale' when invalidated meanwhile (a deletion), 'over' past the cap. */
  private async load(gen: number): Promise<'ok' | 'stale' | 'over'> {
    const st = (this.st ??= statements(this.sqlite));
    this.clear();
    const stale = () => gen !== this.generation || !this.sqlite.open;
    // the deletion counter and the log of event-less session changes start now; the events'
    // high-water mark is taken before the sessions are read, so nothing committed is missed
    st.clearLog.run();
    const deletes = (st.deletes.get() as { deletes: number }).deletes;
    const hwm = (st.maxRowid.get() as { n: number | null }).n ?? 0;
    if (hwm > this.maxEvents) {
      const { n } = st.countEvents.get() as { n: number };
      if (n > this.maxEvents) return 'over';
    }
    let after: [string, number, string] | null = null;
    for (;;) {
      const rows = (
        after
          ? st.sessionsAfter.all(...after, this.chunkRows)
          : st.sessionsFirst.all(this.chunkRows)
      ) as SessionRow[];
      for (const r of rows) this.putSession(this.siteOf(r[0] as string), r);
      if (rows.length < this.chunkRows) break;
      const last = rows.at(-1)!;
      after = [last[0] as string, last[3] as number, last[1] as string];
      await yieldToLoop();
      if (stale()) return 'stale';
    }
    let from = 0;
    for (;;) {
      const rows = st.eventsBetween.all(from, hwm, this.chunkRows) as EventRow[];
      this.appendEvents(rows);
      if (this.eventCount > this.maxEvents) return 'over';
      if (rows.length < this.chunkRows) break;
      from = rows.at(-1)![0];
      await yieldToLoop();
      if (stale()) return 'stale';
    }
    this.hwm = hwm;
    this.deletesSeen = deletes;
    if ((st.deletes.get() as { deletes: number }).deletes !== deletes) return 'stale';
    for (const site of this.sites.values()) site.fit();
    return 'ok';
  }

  /** Whether `accept` takes rows now (the store is built and running). */
  get accepting(): boolean {
    return this.state === 'ready' && !this.suspended;
  }

  /**
   * The event rows the writer just committed (`rowid` order): appended at once when they follow
   * the high-water mark, so the catch-up need not read them back (about 2 µs an event); their
   * sessions are re-read at the next catch-up, before any answer. Rows that do not follow the
   * mark (another writer came between) are left to the catch-up.
   */
  accept(rows: readonly EventRow[]): void {
    if (!this.accepting || rows.length === 0) return;
    let prev = this.hwm;
    for (const r of rows) if (r[0] !== ++prev) return;
    for (const r of rows) {
      let ids = this.touched.get(r[1]);
      if (!ids) this.touched.set(r[1], (ids = new Set()));
      ids.add(r[3]);
    }
    this.appendEvents(rows);
    this.hwm = prev;
    this.stats.accepted += rows.length;
  }

  private catchUp(): boolean {
    const st = this.st!;
    if ((st.deletes.get() as { deletes: number }).deletes !== this.deletesSeen) {
      this.invalidate();
      return false;
    }
    const events: EventRow[] = [];
    let hwm = this.hwm; // moved only once the rows are in (a failed read appends nothing)
    for (;;) {
      const rows = st.eventsAfter.all(hwm, this.chunkRows) as EventRow[];
      for (const r of rows) events.push(r);
      if (rows.length === 0) break;
      hwm = rows.at(-1)![0];
      if (rows.length < this.chunkRows) break;
    }
    const logged = st.log.all() as [string, string][];
    if (events.length === 0 && logged.length === 0 && this.touched.size === 0) return true;
    // the sessions of the new events and the logged ones, re-read, then the events appended
    const keys = new Map<string, Set<string>>();
    const want = (site: string, id: string) => {
      let set = keys.get(site);
      if (!set) keys.set(site, (set = new Set()));
      set.add(id);
    };
    for (const e of events) want(e[1], e[3]);
    for (const [site, id] of logged) want(site, id);
    // the sessions of the rows `accept` appended
    for (const [site, ids] of this.touched) for (const id of ids) want(site, id);
    this.touched.clear();
    for (const [site, ids] of keys) {
      const columns = this.siteOf(site);
      for (const id of ids) {
        const row = st.sessionByKey.get(site, id) as SessionRow | undefined;
        if (row) this.putSession(columns, row);
      }
    }
    this.appendEvents(events);
    this.hwm = hwm;
    if (logged.length) st.clearLog.run();
    this.stats.caughtUp += events.length;
    if (this.eventCount > this.maxEvents) {
      this.clear();
      this.state = 'over';
      return false;
    }
    return true;
  }

  private putSession(site: SiteColumns, r: SessionRow): void {
    const id = r[1] as string;
    const start = r[3] as number;
    let s = site.sessionOrd.get(id);
    if (s === undefined) {
      s = site.sStart.push(start);
      site.sEnd.push(r[4] as number);
      site.sVisitor.push(site.visitor(r[2] as string));
      site.sPageviews.push(r[5] as number);
      site.sUser.push(site.user(r[USER] as string | null));
      for (let d = 0; d < SESSION_DIMS.length; d++)
        site.sDims[d]!.push(this.dims[d]!.id(r[FIRST_DIM + d] as string | null));
      site.sShape.push(0);
      site.sEvents.push(r[6] as number);
      site.sessionOrd.set(id, s);
      site.links.addSession();
      const waiting = site.orphans.get(id);
      if (waiting) {
        const pageview = this.types.find('pageview');
        for (const i of waiting) {
          site.eSession.data[i] = s;
          const path = site.ePath.data[i]!;
          const tags = site.pathTags[path]!;
          const k = site.pathRows[path]!.firstAtLeast(i);
          tags.data[k] = pathTag(s, (tags.data[k]! & 1) === 1);
          if (site.eType.data[i] === pageview) {
            const k = site.pageviewRows.firstAtLeast(i);
            site.link(k, s, site.eTs.data[i]!, site.ePath.data[i]!);
          }
        }
        site.orphans.delete(id);
      }
    } else {
      site.sStart.data[s] = start;
      site.sEnd.data[s] = r[4] as number;
      site.sVisitor.data[s] = site.visitor(r[2] as string);
      site.sPageviews.data[s] = r[5] as number;
      site.sEvents.data[s] = r[6] as number;
      site.sUser.data[s] = site.user(r[USER] as string | null);
      for (let d = 0; d < SESSION_DIMS.length; d++)
        site.sDims[d]!.set(s, this.dims[d]!.id(r[FIRST_DIM + d] as string | null));
    }
    site.reshape(s);
    site.sBlocks.note(s, start);
    site.sEndBlocks.note(s, r[4] as number);
    site.version++;
  }

  private appendEvents(rows: readonly EventRow[]): void {
    let site: SiteColumns | null = null;
    let siteId = '';
    for (const [
      ,
      websiteId,
      ts,
      sessionId,
      visitorId,
      type,
      name,
      path,
      depth,
      engaged,
      props,
    ] of rows) {
      if (site === null || websiteId !== siteId) {
        site = this.siteOf(websiteId);
        siteId = websiteId;
        site.version++;
      }
      const i = site.eTs.push(ts);
      const s = site.sessionOrd.get(sessionId);
      site.eSession.push(s ?? -1);
      if (s === undefined) {
        const waiting = site.orphans.get(sessionId);
        if (waiting) waiting.push(i);
        else site.orphans.set(sessionId, [i]);
      }
      site.eVisitor.push(site.visitor(visitorId));
      site.eType.push(this.types.id(type));
      const pathId = this.paths.id(path);
      site.ePath.push(pathId);
      (site.pathRows[pathId] ??= new Growable(Int32Array, 16)).push(i);
      (site.pathTags[pathId] ??= new Growable(Int32Array, 16)).push(
        pathTag(s ?? -1, type === 'pageview'),
      );
      const labelId = this.labels.id(type === 'custom' ? name : type);
      site.eLabel.push(labelId);
      if (type === 'custom') {
        (site.labelRows[labelId] ??= new Growable(Int32Array, 16)).push(i);
        (site.labelTs[labelId] ??= new Growable(Float64Array, 16)).push(ts);
        (site.labelVisitor[labelId] ??= new Growable(Int32Array, 16)).push(site.eVisitor.data[i]!);
      }
      site.eProps.push(this.props.id(props));
      site.eBlocks.note(i, ts);
      if (depth !== null || engaged !== null) {
        const at = site.scroll.row.push(i);
        site.scroll.depth.push(depth ?? -1);
        site.scroll.engagedMs.push(engaged ?? -1);
        site.scroll.scrollPage.push(type === 'scroll' ? pathId + 1 : 0);
        if (type === 'scroll') site.scroll.blocks.add(at, pathId + 1, engaged ?? -1, depth ?? -1);
      }
      if (type === 'pageview') {
        site.pageviewRows.push(i);
        const v = site.eVisitor.data[i]!;
        (site.pathPageviews[pathId] ??= new Growable(Int32Array, 16)).push(i);
        (site.pathPageviewTs[pathId] ??= new Growable(Float64Array, 16)).push(ts);
        (site.pathPageviewVisitor[pathId] ??= new Growable(Int32Array, 16)).push(v);
        const k = site.links.addPageview(pathId, v, ts);
        site.repeats.add(v, pathId);
        if (s !== undefined) site.link(k, s, ts, pathId);
        const b = i >>> site.eBlocks.shift;
        while (site.ePageviews.length <= b) site.ePageviews.push(0);
        site.ePageviews.data[b]!++;
      }
    }
    this.eventCount += rows.length;
  }
}

function statements(sqlite: Database.Database) {
  for (const sql of TRIGGERS) sqlite.prepare(sql).run();
  const raw = (sql: string) => sqlite.prepare(sql).raw();
  return {
    clearLog: sqlite.prepare('DELETE FROM temp.sightline_columns_log'),
    log: raw('SELECT website_id, id FROM temp.sightline_columns_log'),
    deletes: sqlite.prepare('SELECT deletes FROM temp.sightline_columns_state'),
    maxRowid: sqlite.prepare('SELECT max(rowid) AS n FROM events'),
    countEvents: sqlite.prepare('SELECT count(*) AS n FROM events'),
    sessionsFirst: raw(
      `SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY website_id, started_at, id LIMIT ?`,
    ),
    sessionsAfter: raw(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE (website_id, started_at, id) > (?, ?, ?)
       ORDER BY website_id, started_at, id LIMIT ?`,
    ),
    sessionByKey: raw(
      `SELECT ${SESSION_COLUMNS} FROM sessions INDEXED BY sessions_key WHERE website_id = ? AND id = ?`,
    ),
    eventsBetween: raw(
      `SELECT rowid, website_id, ts, session_id, visitor_id, type, name, path, scroll_depth, engaged_ms,
         props FROM events
       WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`,
    ),
    eventsAfter: raw(
      `SELECT rowid, website_id, ts, session_id, visitor_id, type, name, path, scroll_depth, engaged_ms,
         props FROM events
       WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
  };
}

/**
 * A row's entry in `SiteColumns.pathTags`: (session ordinal + 1) × 2, plus 1 for a pageview;
 * ordinal −1 (the session not stored yet) gives 0 or 1, as the reports' masks index sessions.
 */
export function pathTag(session: number, pageview: boolean): number {
  return (session + 1) * 2 + (pageview ? 1 : 0);
}

const stores = new WeakMap<Database.Database, ColumnStore>();

/** The column store of a connection (one per database; created idle, see `start`/`build`). */
export function columnStoreFor(sqlite: Database.Database, options?: ColumnOptions): ColumnStore {
  let s = stores.get(sqlite);
  if (!s) stores.set(sqlite, (s = new ColumnStore(sqlite, options)));
  return s;
}
