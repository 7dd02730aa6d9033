/**
 * Demo data generator: `node --import tsx scripts/bench/seed.ts --events 10000000 --db data/demo.db`
 * (`npm run seed-demo -- …`). Realistic traffic over the last `--days` (30): visitors coming back,
 * sessions of 1–8 pageviews with clicks, scroll, custom events with properties, a daily rhythm,
 * referrers, UTM campaigns, browsers, devices, countries. Rows are written in time order, hour by
 * hour, with the collector's own schema (migrations run first), in 20 000-row transactions.
 */
import { randomUUID } from 'node:crypto';
import { prng } from '../../collector/src/analytics/prng.js';
import { openDatabase } from '../../collector/src/db/client.js';
import { websites } from '../../collector/src/db/schema.js';
import { prepareIngestStatements } from '../../collector/src/storage/sqlite-statements.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const target = Number(arg('events', '1000000'));
const dbPath = arg('db', 'data/demo.db');
const days = Number(arg('days', '30'));
const websiteId = arg('website', 'demo-site');

const { next: rnd, int } = prng(1);
/** A weighted pick: the first entries far more often (a long tail, as real traffic has). */
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(xs.length * rnd() ** 2)]!;

const pages = [
  '/',
  '/pricing',
  '/docs',
  '/blog',
  '/docs/install',
  '/signup',
  '/blog/launch',
  '/about',
  '/docs/api',
  '/blog/self-hosting',
  '/features',
  '/changelog',
  '/contact',
  '/login',
  '/careers',
  ...Array.from({ length: 60 }, (_, i) => `/blog/post-${i}`),
];
const sources: [string | null, string | null][] = [
  [null, 'direct'],
  ['https://www.google.com/', 'google'],
  ['https://news.ycombinator.com/', 'news.ycombinator.com'],
  ['https://twitter.com/', 'twitter.com'],
  ['https://www.reddit.com/', 'reddit.com'],
  ['https://duckduckgo.com/', 'duckduckgo.com'],
  ['https://github.com/', 'github.com'],
  ['https://www.bing.com/', 'bing'],
];
const agents = [
  ['Chrome', 'Windows', 'desktop'],
  ['Chrome', 'Android', 'mobile'],
  ['Mobile Safari', 'iOS', 'mobile'],
  ['Safari', 'macOS', 'desktop'],
  ['Firefox', 'Linux', 'desktop'],
  ['Edge', 'Windows', 'desktop'],
  ['Chrome', 'macOS', 'desktop'],
  ['Samsung Internet', 'Android', 'mobile'],
  ['Mobile Safari', 'iOS', 'tablet'],
] as const;
const countries = [
  'US',
  'DE',
  'GB',
  'FR',
  'IN',
  'CA',
  'NL',
  'BR',
  'JP',
  'ES',
  'SE',
  'PL',
  'AU',
  'IT',
  'CH',
];
const languages = ['en-US', 'de-DE', 'en-GB', 'fr-FR', 'hi-IN', 'pt-BR', 'ja-JP', 'es-ES'];
const screens = [
  '1920x1080',
  '390x844',
  '1440x900',
  '2560x1440',
  '412x915',
  '1366x768',
  '820x1180',
];
const campaigns = ['launch', 'newsletter-42', 'black-friday', 'retargeting'];

const database = openDatabase(dbPath);
const { sqlite } = database;
sqlite.pragma('synchronous = OFF'); // a bulk load: durability comes from the final checkpoint
database.db
  .insert(websites)
  .values({
    id: websiteId,
    name: 'Demo',
    domain: 'demo.example',
    createdAt: Date.now() - (days + 1) * 86_400_000,
  })
  .onConflictDoNothing()
  .run();

// the ingest writer's own prepared statements: the event insert and the hourly rollup
const { insertEvent, addRollup } = prepareIngestStatements(sqlite);
const insertSession = sqlite.prepare(
  `INSERT INTO sessions (website_id, id, visitor_id, user_id, started_at, ended_at, pageviews, clicks,
     events, entry_path, exit_path, hostname, referrer, source, utm_source, utm_medium, utm_campaign,
     browser, os, device, screen, language, country)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
);

type Ev = [
  number,
  string,
  string,
  string,
  string | null,
  string,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
  string | null,
  (string | null)?,
];
const visitors = Math.max(100, Math.floor(target / 30));
const end = Date.now();
const start = end - days * 86_400_000;
const hours = days * 24;
const perHour = target / hours;
let written = 0;
const began = Date.now();
let lastProgress = 0;

function progress(final = false) {
  const share = Math.min(1, written / target);
  const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
  const rate = written / ((Date.now() - began) / 1000 || 1);
  process.stderr.write(
    `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${written.toLocaleString('en')} events, ${Math.round(rate).toLocaleString('en')}/s${final ? '\n' : ''}`,
  );
}

const flush = sqlite.transaction((events: Ev[], sessions: unknown[][]) => {
  for (const s of sessions) insertSession.run(...s);
  for (const e of events)
    insertEvent.run(
      websiteId,
      e[0],
      e[1],
      e[2],
      e[3],
      e[4],
      e[5],
      e[6],
      e[7],
      'demo.example',
      e[8] ? 'Demo' : null,
      e[11],
      e[9],
      e[10],
      e[12] ?? null,
    );
  // as the writer does: each flush adds its events to the rollup once per row
  const rollup = new Map<string, [string, number, string, string, string, number]>();
  for (const e of events) {
    const hour = e[0] - (e[0] % 3_600_000);
    const key = `${hour}\n${e[5]}\n${e[6] ?? ''}\n${e[7] ?? ''}`;
    const r = rollup.get(key);
    if (r) r[5]++;
    else rollup.set(key, [websiteId, hour, e[5], e[6] ?? '', e[7] ?? '', 1]);
  }
  for (const r of rollup.values()) addRollup.run(...r);
});

for (let h = 0; h < hours && written < target; h++) {
  const hourStart = start + h * 3_600_000;
  const localHour = new Date(hourStart).getUTCHours();
  const rhythm = 0.4 + 1.2 * Math.sin((Math.PI * ((localHour + 18) % 24)) / 24) ** 2; // busier by day
  const budget = perHour * rhythm;
  const events: Ev[] = [];
  const sessions: unknown[][] = [];
  let produced = 0;
  while (produced < budget) {
    const v = Math.floor(visitors * rnd() ** 1.5); // some visitors come back often
    const visitorId = `v-${v}`;
    const sessionId = randomUUID();
    const [referrer, source] = pick(sources);
    const utm = rnd() < 0.12 ? pick(campaigns) : null;
    const [browser, os, device] = pick(agents);
    const t0 = hourStart + Math.floor(rnd() * 3_600_000);
    const views = Math.min(8, 1 + Math.floor(-Math.log(1 - rnd()) * 1.6));
    let t = t0;
    const first = events.length;
    let entry = '';
    let exit = '';
    let clicks = 0;
    let count = 0;
    for (let i = 0; i < views; i++) {
      const path = i === 0 ? pick(pages) : pick(pages);
      if (i === 0) entry = path;
      exit = path;
      events.push([
        t,
        randomUUID(),
        sessionId,
        visitorId,
        null,
        'pageview',
        null,
        path,
        'y',
        null,
        null,
        i === 0 ? referrer : null,
      ]);
      count++;
      if (rnd() < 0.5) {
        clicks++;
        count++;
        events.push([
          t + int(1000, 20_000),
          randomUUID(),
          sessionId,
          visitorId,
          null,
          'click',
          'A',
          path,
          null,
          null,
          null,
          null,
        ]);
      }
      if (rnd() < 0.15) {
        count++;
        const props = JSON.stringify({
          plan: pick(['free', 'pro', 'team']),
          price: pick([0, 9, 29, 99]),
        });
        events.push([
          t + int(500, 30_000),
          randomUUID(),
          sessionId,
          visitorId,
          null,
          'custom',
          pick(['signup', 'download', 'purchase', 'share']),
          path,
          null,
          null,
          null,
          null,
          props,
        ]);
      }
      const stay = int(3_000, 180_000);
      count++;
      events.push([
        t + stay,
        randomUUID(),
        sessionId,
        visitorId,
        null,
        'scroll',
        null,
        path,
        null,
        int(10, 100),
        Math.floor(stay * 0.8),
        null,
      ]);
      t += stay + int(500, 5_000);
    }
    // as the ingest writer keeps it: a session ends at its last event
    let last = t0;
    for (let k = first; k < events.length; k++) last = Math.max(last, events[k]![0]);
    sessions.push([
      websiteId,
      sessionId,
      visitorId,
      null,
      t0,
      last,
      views,
      clicks,
      count,
      entry,
      exit,
      'demo.example',
      referrer,
      utm ? 'newsletter' : source,
      utm ? 'newsletter' : null,
      utm ? 'email' : null,
      utm,
      browser,
      os,
      device,
      pick(screens),
      pick(languages),
      pick(countries),
    ]);
    produced += count;
  }
  events.sort((a, b) => a[0] - b[0]);
  flush(events, sessions);
  written += events.length;
  if (Date.now() - lastProgress > 500) {
    lastProgress = Date.now();
    progress();
  }
}
progress(true);
sqlite.pragma('wal_checkpoint(TRUNCATE)');
sqlite.pragma('optimize');
database.close();
const secs = (Date.now() - began) / 1000;
console.log(
  `seeded ${written.toLocaleString('en')} events in ${secs.toFixed(1)} s (${Math.round(written / secs).toLocaleString('en')} events/s) into ${dbPath}, website ${websiteId}`,
);
