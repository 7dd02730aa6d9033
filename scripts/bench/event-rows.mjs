#!/usr/bin/env node
/**
 * What one event row costs SQLite by its layout: `node scripts/bench/event-rows.mjs [--events
 * 200000] [--rounds 2]`. Inserts the ingest bench's click rows (batches of 50 of one session, as
 * `/api/events` sends them) through better-sqlite3 into a fresh WAL file per layout, in turn, round
 * after round: the events table as it is (text website, session, visitor and type), without its
 * primary-key index, with integer website, session, visitor and type ids, and those clustered
 * (WITHOUT ROWID). Prints µs per event; the writer's other work (sessions, rollups) is not in it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const Database = createRequire(new URL('../../collector/package.json', import.meta.url))(
  'better-sqlite3',
);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const events = arg('events', 200_000);
const rounds = arg('rounds', 2);
const batch = 50;
const dir = mkdtempSync(join(tmpdir(), 'sightline-rows-'));
const sessions = Array.from({ length: 2000 }, () => ({ s: randomUUID(), v: randomUUID() }));
const props = JSON.stringify({ tag: 'BUTTON', id: 'submit-btn', class: 'btn', text: 'Submit' });
const run = randomUUID().slice(0, 8);
const columns = `ts integer NOT NULL, id text NOT NULL, user_id text, name text, path text,
  hostname text, title text, referrer text, scroll_depth integer, engaged_ms integer, props text`;
const layouts = [
  {
    name: 'as stored (text ids, primary-key index)',
    ddl: `website_id text NOT NULL, session_id text NOT NULL, visitor_id text NOT NULL,
      type text NOT NULL, ${columns}, PRIMARY KEY (website_id, ts, id)`,
    row: (s, ts, id) => ['bench-site', s.s, s.v, 'click', ts, id],
  },
  {
    name: 'text ids, no primary-key index',
    ddl: `website_id text NOT NULL, session_id text NOT NULL, visitor_id text NOT NULL,
      type text NOT NULL, ${columns}`,
    row: (s, ts, id) => ['bench-site', s.s, s.v, 'click', ts, id],
  },
  {
    name: 'integer ids, primary-key index',
    ddl: `site integer NOT NULL, session integer NOT NULL, visitor integer NOT NULL,
      type integer NOT NULL, ${columns}, PRIMARY KEY (site, ts, id)`,
    row: (s, ts, id) => [1, s.n, s.n, 2, ts, id],
  },
  {
    name: 'integer ids, clustered (WITHOUT ROWID)',
    ddl: `site integer NOT NULL, session integer NOT NULL, visitor integer NOT NULL,
      type integer NOT NULL, ${columns}, PRIMARY KEY (site, ts, id)`,
    clustered: true,
    row: (s, ts, id) => [1, s.n, s.n, 2, ts, id],
  },
];
sessions.forEach((s, n) => (s.n = 1000 + n));

function measure(layout, k) {
  const file = join(dir, `rows-${k}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE events (${layout.ddl})${layout.clustered ? ' WITHOUT ROWID' : ''}`);
  const insert = db.prepare(`INSERT INTO events VALUES (${Array(15).fill('?').join(', ')})
    ON CONFLICT DO NOTHING`);
  const write = db.transaction((rows) => {
    for (const r of rows) insert.run(r);
  });
  let ts = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < events; i += batch) {
    const s = sessions[(i / batch) % sessions.length];
    const rows = [];
    for (let j = 0; j < batch; j++) {
      const id = `${run}-${(i + j).toString(36)}`;
      // user, name, path, hostname, title, referrer, scroll depth, engaged ms, props
      const rest = [null, 'BUTTON', '/pricing', 'bench.example', null, null, null, null, props];
      rows.push([...layout.row(s, ts++, id), ...rest]);
    }
    write(rows);
  }
  const us = (1000 * (performance.now() - t0)) / events;
  db.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return us;
}

console.log('Sightline event-row benchmark');
console.log(
  `method: ${events.toLocaleString('en')} click events per layout in transactions of ${batch} (one session each, 2000 sessions), WAL, synchronous=NORMAL; layouts in turn, ${rounds} rounds; µs per event`,
);
const times = layouts.map(() => []);
for (let r = 0; r < rounds; r++) layouts.forEach((l, k) => times[k].push(measure(l, k)));
layouts.forEach((l, k) =>
  console.log(`${l.name.padEnd(42)} ${times[k].map((t) => t.toFixed(2).padStart(6)).join(' ')} µs`),
);
rmSync(dir, { recursive: true, force: true });
