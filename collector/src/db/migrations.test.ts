import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, openDatabase } from './client.js';
import { refreshPlannerStats } from './planner-stats.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the committed migrations that stops before the one tagged `before`. */
function migrationsBefore(before: string): string {
  const folder = join(dir, `until-${before}`);
  cpSync(defaultMigrationsFolder, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.startsWith(before));
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const tableSql = (sqlite: { prepare(s: string): { get(n: string): unknown } }, name: string) =>
  (sqlite.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;

describe('migration 0007: clustered sessions', () => {
  it('keeps every row, clusters sessions by (website, start, id) and keeps (website, id) unique', () => {
    const file = join(dir, 'upgrade.db');
    const old = openDatabase(file, { migrationsFolder: migrationsBefore('0007') });
    expect(tableSql(old.sqlite, 'sessions')).not.toMatch(/WITHOUT ROWID/);
    const insertEvent = old.sqlite.prepare(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type, path, props)
       VALUES (?, ?, ?, ?, 'v1', 'pageview', ?, '{"a":1}')`,
    );
    const insertSession = old.sqlite.prepare(
      `INSERT INTO sessions (website_id, id, visitor_id, started_at, ended_at, pageviews, browser)
       VALUES (?, ?, 'v1', ?, ?, ?, 'Firefox')`,
    );
    for (let i = 0; i < 50; i++)
      insertEvent.run(i % 2 ? 'w1' : 'w2', 1000 - i, `e${i}`, `s${i % 5}`, `/p${i}`);
    for (let i = 0; i < 5; i++) insertSession.run('w1', `s${i}`, 500 - i, 900, i);
    old.close();

    const db = openDatabase(file);
    const { sqlite } = db;
    expect(tableSql(sqlite, 'sessions')).toMatch(
      /PRIMARY KEY\(`website_id`, `started_at`, `id`\)\s*\) WITHOUT ROWID/,
    );
    const events = sqlite.prepare('SELECT props FROM events').all() as { props: string }[];
    expect(events).toHaveLength(50);
    expect(events.every((e) => e.props === '{"a":1}')).toBe(true);
    // clustered: a plain scan returns the rows in (website, start, id) order
    const sessions = sqlite
      .prepare('SELECT id, started_at AS startedAt, pageviews, browser FROM sessions')
      .all();
    expect(sessions).toEqual(
      [4, 3, 2, 1, 0].map((i) => ({
        id: `s${i}`,
        startedAt: 500 - i,
        pageviews: i,
        browser: 'Firefox',
      })),
    );
    // a second row for the same (website, id) is refused even with another start
    expect(() => insertSessionAgain(sqlite)).toThrow(
      /UNIQUE constraint failed: sessions.website_id, sessions.id/,
    );
    db.close();
  });

  it('migration 0008 keeps the hourly rollup and clusters it by its primary key', () => {
    const file = join(dir, 'rollups.db');
    const old = openDatabase(file, { migrationsFolder: migrationsBefore('0008') });
    expect(tableSql(old.sqlite, 'event_rollups')).not.toMatch(/WITHOUT ROWID/);
    const add = old.sqlite.prepare(
      `INSERT INTO event_rollups (website_id, hour, type, name, path, events) VALUES (?, ?, 'pageview', '', ?, ?)`,
    );
    for (let i = 0; i < 30; i++)
      add.run(i % 2 ? 'w1' : 'w2', (30 - i) * 3_600_000, `/p${i % 3}`, i + 1);
    old.close();
    const db = openDatabase(file);
    expect(tableSql(db.sqlite, 'event_rollups')).toMatch(
      /PRIMARY KEY\(`website_id`, `hour`, `type`, `name`, `path`\)\s*\) WITHOUT ROWID/,
    );
    const rows = db.sqlite
      .prepare('SELECT website_id AS w, hour, path, events FROM event_rollups')
      .all() as { w: string; hour: number; path: string; events: number }[];
    expect(rows.reduce((a, r) => a + r.events, 0)).toBe((30 * 31) / 2);
    // clustered: a plain scan returns the rows in primary key order
    const keys = rows.map((r) => `${r.w}/${String(r.hour).padStart(12, '0')}`);
    expect(keys).toEqual([...keys].sort());
    db.close();
  });

  it('refreshes the planner statistics of events and sessions at open', () => {
    const file = join(dir, 'stats.db');
    const db = openDatabase(file);
    const insert = db.sqlite.prepare(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type) VALUES ('w', ?, ?, 's', 'v', 'pageview')`,
    );
    for (let i = 0; i < 2000; i++) insert.run(i, `e${i}`);
    db.close();
    const again = openDatabase(file);
    const stat = () =>
      again.sqlite.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'events'").get() as
        { stat: string } | undefined;
    expect(stat()?.stat).toMatch(/^2000 /);
    // grown tenfold: the next refresh (hourly in a running collector) analyzes it again
    const more = again.sqlite.prepare(
      `INSERT INTO events (website_id, ts, id, session_id, visitor_id, type) VALUES ('w', ?, ?, 's', 'v', 'pageview')`,
    );
    for (let i = 2000; i < 20000; i++) more.run(i, `e${i}`);
    refreshPlannerStats(again.sqlite);
    expect(stat()?.stat).toMatch(/^20000 /);
    again.close();
  });
});

function insertSessionAgain(sqlite: { prepare(s: string): { run(): unknown } }) {
  return sqlite
    .prepare(
      `INSERT INTO sessions (website_id, id, visitor_id, started_at, ended_at) VALUES ('w1', 's1', 'v1', 1, 2)`,
    )
    .run();
}

describe('migration 0009: external session referrers', () => {
  it("drops direct sessions' referrers and those on the site's own host, keeps other sites'", () => {
    const file = join(dir, 'referrers.db');
    const old = openDatabase(file, { migrationsFolder: migrationsBefore('0009') });
    const insert = old.sqlite.prepare(
      `INSERT INTO sessions (website_id, id, visitor_id, started_at, ended_at, hostname, source, referrer)
       VALUES ('w1', ?, 'v1', 1, 2, ?, ?, ?)`,
    );
    const rows: [string, string | null, string | null, string | null, string | null][] = [
      // id, hostname, source, referrer before, referrer after
      ['direct-internal', 'example.com', 'direct', 'https://example.com/docs', null],
      ['direct-came-back', 'example.com', 'direct', 'https://news.ycombinator.com/', null],
      ['utm-internal', 'www.example.com', 'newsletter', 'https://example.com/', null],
      ['utm-internal-www', 'example.com', 'newsletter', 'http://www.example.com?x=1', null],
      ['google', 'example.com', 'google', 'https://www.google.com/', 'https://www.google.com/'],
      [
        'lookalike',
        'example.com',
        'example.com.evil',
        'https://example.com.evil/',
        'https://example.com.evil/',
      ],
      ['batch-only', null, null, null, null],
    ];
    for (const [id, host, source, before] of rows) insert.run(id, host, source, before);
    old.close();

    const db = openDatabase(file);
    const after = db.sqlite.prepare('SELECT id, referrer FROM sessions ORDER BY id').all();
    expect(after).toEqual(
      rows.map(([id, , , , referrer]) => ({ id, referrer })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    db.close();
  });
});
