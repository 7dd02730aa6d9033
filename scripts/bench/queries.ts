/**
 * Query benchmark: every report of the analytics API against a seeded database
 * (`npm run seed-demo`), through the app's own request path (auth, validation, JSON), in process.
 * `node --import tsx scripts/bench/queries.ts --db data/demo.db [--runs 20]`: prints the method,
 * then p50 / p95 / max per report, and whether each meets the 50 ms p95 goal.
 */
import { createApp } from '../../collector/src/app.js';
import { createApiKey } from '../../collector/src/auth/api-keys.js';
import { openDatabase } from '../../collector/src/db/client.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const dbPath = arg('db', 'data/demo.db');
const runs = Number(arg('runs', '20'));
const site = arg('website', 'demo-site');

const database = openDatabase(dbPath);
const { n: events } = database.sqlite.prepare('SELECT count(*) AS n FROM events').get() as {
  n: number;
};
const { n: sessions } = database.sqlite.prepare('SELECT count(*) AS n FROM sessions').get() as {
  n: number;
};
const key = createApiKey(database.db, {
  id: `bench-${Date.now()}`,
  name: 'bench-queries',
  scopes: ['read'],
  now: Date.now(),
}).key;
const app = createApp({ database });

const w = `websiteId=${site}`;
const reports: [string, string][] = [
  ['overview 30d', `/api/reports/overview?${w}&period=30d`],
  ['overview 30d, country=DE', `/api/reports/overview?${w}&period=30d&country=DE`],
  ['overview 30d, page=/pricing', `/api/reports/overview?${w}&period=30d&page=/pricing`],
  ['timeseries 30d by day', `/api/reports/timeseries?${w}&period=30d&interval=day`],
  ['timeseries 7d by hour', `/api/reports/timeseries?${w}&period=7d&interval=hour`],
  ['breakdown source', `/api/reports/breakdown?${w}&period=30d&by=source`],
  ['breakdown page', `/api/reports/breakdown?${w}&period=30d&by=page`],
  ['breakdown browser, country=DE', `/api/reports/breakdown?${w}&period=30d&by=browser&country=DE`],
  ['breakdown prop.plan', `/api/reports/breakdown?${w}&period=30d&by=prop.plan&event=purchase`],
  ['pages', `/api/reports/pages?${w}&period=30d`],
  ['sessions', `/api/reports/sessions?${w}&period=30d`],
  ['funnel 3 steps', `/api/reports/funnel?${w}&period=30d&steps=page:/,page:/pricing,event:signup`],
  ['retention by week', `/api/reports/retention?${w}&period=30d&cohort=week&periods=4`],
  ['active users', `/api/reports/active-users?${w}&period=30d`],
  ['query day × browser', `/api/query?${w}&period=30d&groupBy=day,browser&metrics=count,visitors`],
  ['realtime', `/api/realtime?${w}`],
  ['raw events page', `/api/events?${w}&period=30d&limit=100`],
];

console.log('Sightline query benchmark');
console.log(
  `method: each report ${runs} times in turn through app.request() (auth, validation, JSON) on ${dbPath}: ${events.toLocaleString('en')} events, ${sessions.toLocaleString('en')} sessions; one warm-up run each`,
);
let worst = 0;
const only = new RegExp(arg('only', '.'));
for (const [name, path] of reports.filter(([name]) => only.test(name))) {
  const res = await app.request(path, { headers: { Authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await app.request(path, { headers: { Authorization: `Bearer ${key}` } });
    await r.arrayBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  worst = Math.max(worst, q(0.95));
  console.log(
    `${name.padEnd(32)} p50 ${q(0.5).toFixed(1).padStart(8)} ms  p95 ${q(0.95).toFixed(1).padStart(8)} ms  max ${times.at(-1)!.toFixed(1).padStart(8)} ms  ${q(0.95) < 50 ? 'ok' : 'OVER 50 ms'}`,
  );
}
console.log(`worst p95 ${worst.toFixed(1)} ms (goal < 50 ms per report)`);
database.sqlite.prepare('DELETE FROM api_keys WHERE name = ?').run('bench-queries');
database.close();
