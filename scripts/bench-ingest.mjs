#!/usr/bin/env node
// Ingest benchmark: loopback load against a bare Hono endpoint, `/collect` and `/api/events`,
// each server in its own child process, side by side in one run.
// Usage: node scripts/bench-ingest.mjs [--duration 10] [--connections 50] [--rounds 3] [--no-storage]
// --no-storage also measures, each round, the collector with a writer that stores nothing: the
// ceiling of the layers above SQLite, which tells their cost from the writes'.
// The three are measured in turn, round after round, and compared by their medians: on a shared
// 2-core machine one run of each varies by ±20%, and interleaving spreads that over all three.
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const duration = arg('duration', 10);
const connections = arg('connections', 50);
const rounds = arg('rounds', 3);
const batchSize = 50;
const noStorage = process.argv.includes('--no-storage');

const userAgents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
];
const pages = ['/', '/pricing', '/blog/hello-world', '/docs/install', '/about', '/signup?plan=pro'];
const referrers = [
  null,
  'https://www.google.com/',
  'https://news.ycombinator.com/',
  'https://twitter.com/',
];
const sessions = Array.from({ length: 2000 }, () => ({
  sessionId: randomUUID(),
  visitorId: randomUUID(),
}));
const pick = (a) => a[Math.floor(Math.random() * a.length)];
// Unique event ids from a per-run prefix and a counter: cheap for the load generator, so it
// measures the server rather than its own UUID generation.
const runId = randomUUID().slice(0, 8);
let counter = 0;
const nextId = () => `${runId}-${(counter++).toString(36)}`;

function collectBody() {
  const s = pick(sessions);
  return JSON.stringify({
    type: 'pageview',
    websiteId: 'bench-site',
    domain: 'bench.example',
    href: `https://bench.example${pick(pages)}`,
    referrer: pick(referrers),
    viewport: { width: 1920, height: 1080 },
    visitorId: s.visitorId,
    sessionId: s.sessionId,
    eventId: nextId(),
    timestamp: Date.now(),
  });
}

function batchBody() {
  const s = pick(sessions);
  const now = Date.now();
  let analytics = '';
  for (let i = 0; i < batchSize; i++) {
    analytics += `${i ? ',' : ''}{"type":"click","tag":"BUTTON","id":"submit-btn","class":"btn","text":"Submit","x":${100 + i},"y":200,"timestamp":${now - (batchSize - i) * 10},"eventId":"${nextId()}"}`;
  }
  const metadata = JSON.stringify({
    sessionId: s.sessionId,
    visitorId: s.visitorId,
    websiteId: 'bench-site',
    url: `https://bench.example${pick(pages)}`,
    screen: '1920x1080',
    timestamp: new Date(now).toISOString(),
  });
  return `{"metadata":${metadata},"analytics":[${analytics}]}`;
}

/** The bench server bundled to plain JavaScript, so no TypeScript loader weighs on its memory. */
async function bundleServer(dir) {
  const outfile = join(dir, 'bench-server.mjs');
  await build({
    entryPoints: [join(root, 'scripts/bench/server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

function startServer(mode, dbFile) {
  const child = spawn(
    process.execPath,
    [serverFile, mode, dbFile, join(root, 'collector/drizzle')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      const m = /port=(\d+)/.exec(String(d));
      if (m) ok({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', (code) => fail(new Error(`${mode} server exited with ${code}`)));
  });
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

async function load(url, path, body, pid) {
  const ua = () => pick(userAgents);
  const opts = {
    url: url + path,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'text/plain', 'user-agent': ua() },
          body: body(),
        }),
      },
    ],
  };
  // Warm-up (JIT, UA cache, SQLite pages), then the measured run.
  await autocannon({ ...opts, duration: 2 });
  const cpu0 = cpuMs(pid);
  const r = await autocannon(opts);
  return { ...r, cpuMs: cpuMs(pid) - cpu0 };
}

async function measure(mode, path, body, dbFile) {
  const { child, url } = await startServer(mode, dbFile);
  let peak = rssMb(child.pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(child.pid))), 200);
  const r = await load(url, path, body, child.pid);
  clearInterval(timer);
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  const bad = r.non2xx + r.errors + r.timeouts;
  return {
    reqPerSec: r.requests.average,
    p99: r.latency.p99,
    bad,
    total: r.requests.total,
    cpuUsPerReq: (1000 * r.cpuMs) / r.requests.total,
    peakRssMb: peak,
  };
}

// inside collector/ so the bundle's external packages resolve from the collector's node_modules
const dir = mkdtempSync(join(root, 'collector/.bench-'));
const serverFile = await bundleServer(dir);
console.log('Sightline ingest benchmark');
console.log(
  `method: autocannon on loopback, ${connections} connections, ${duration}s measured after a 2s warm-up;`,
);
console.log(
  `${rounds} rounds of bare → /collect → /api/events; medians reported, the ratio is the median of per-round ratios;`,
);
console.log('each server runs alone in its own child process (2 cores: load generator + server);');
console.log(
  `/collect bodies: original pageview payloads, random pages/referrers, ${userAgents.length} real user agents, 2000 sessions;`,
);
console.log(
  `/api/events bodies: batches of ${batchSize} click events; SQLite file in a temp dir (WAL, synchronous=NORMAL);`,
);
console.log('servers are bundled with esbuild and run on plain node (no TypeScript loader);');
console.log(
  process.env.SIGHTLINE_COLUMNS === 'eager'
    ? "the collector builds the reports' column store at start (SIGHTLINE_COLUMNS=eager): it catches up every 5 s and holds what is ingested;"
    : "the collector runs the reports' column store as `npm start` does: built on the first report, so not during this load (SIGHTLINE_COLUMNS=eager builds it at start);",
);
if (noStorage)
  console.log(
    '--no-storage: each round also measures the collector with a writer that stores nothing (same app, same requests);',
  );
console.log(
  'server CPU is user + system time of the server process (all threads) over the measured run.\n',
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const runs = { bare: [], collect: [], batch: [], collectFree: [], batchFree: [] };
  for (let i = 0; i < rounds; i++) {
    runs.bare.push(await measure('bare', '/collect', collectBody, ':memory:'));
    runs.collect.push(
      await measure('collector', '/collect', collectBody, join(dir, `collect-${i}.db`)),
    );
    runs.batch.push(
      await measure('collector', '/api/events', batchBody, join(dir, `events-${i}.db`)),
    );
    if (noStorage) {
      runs.collectFree.push(await measure('no-storage', '/collect', collectBody, ':memory:'));
      runs.batchFree.push(await measure('no-storage', '/api/events', batchBody, ':memory:'));
    }
    const [b, c, e] = [runs.bare[i], runs.collect[i], runs.batch[i]];
    const free = noStorage
      ? `; without storage: /collect ${(runs.collectFree[i].reqPerSec / b.reqPerSec).toFixed(2)} × bare, /api/events ${(runs.batchFree[i].reqPerSec * batchSize).toFixed(0)} events/s`
      : '';
    console.log(
      `round ${i + 1}: bare ${b.reqPerSec.toFixed(0)} req/s, /collect ${c.reqPerSec.toFixed(0)} req/s (${(c.reqPerSec / b.reqPerSec).toFixed(2)} × bare), /api/events ${(e.reqPerSec * batchSize).toFixed(0)} events/s${free}`,
    );
  }
  const summary = (list) => ({
    reqPerSec: median(list.map((r) => r.reqPerSec)),
    p99: median(list.map((r) => r.p99)),
    cpuUsPerReq: median(list.map((r) => r.cpuUsPerReq)),
    bad: list.reduce((n, r) => n + r.bad, 0),
    peakRssMb: Math.max(...list.map((r) => r.peakRssMb)),
  });
  const bare = summary(runs.bare);
  const collect = summary(runs.collect);
  const batch = summary(runs.batch);
  const row = (name, r, extra = '') =>
    console.log(
      `${name.padEnd(26)} ${r.reqPerSec.toFixed(0).padStart(8)} req/s  p99 ${String(r.p99).padStart(4)} ms  CPU ${r.cpuUsPerReq.toFixed(1).padStart(6)} µs/req  non-2xx/errors ${r.bad}  peak RSS ${r.peakRssMb.toFixed(0)} MB${extra}`,
    );
  console.log(`\nmedians of ${rounds} rounds:`);
  row('bare Hono POST /collect', bare);
  const ratio = median(runs.collect.map((c, i) => c.reqPerSec / runs.bare[i].reqPerSec));
  row('collector POST /collect', collect, `  → ${ratio.toFixed(2)} × bare (goal ≥ 0.60)`);
  const eventsPerSec = batch.reqPerSec * batchSize;
  row(
    'collector POST /api/events',
    batch,
    `  → ${eventsPerSec.toFixed(0)} events/s (goal ≥ 150000)`,
  );
  // CPU per request is what the server spends (all its threads), whatever the load generator got:
  // on a shared machine it moves less than req/s does
  if (noStorage) {
    const cf = summary(runs.collectFree);
    const bf = summary(runs.batchFree);
    const freeRatio = median(runs.collectFree.map((c, i) => c.reqPerSec / runs.bare[i].reqPerSec));
    row('no storage POST /collect', cf, `  → ${freeRatio.toFixed(2)} × bare (the ceiling)`);
    row('no storage POST /api/events', bf, `  → ${(bf.reqPerSec * batchSize).toFixed(0)} events/s`);
    console.log(
      `storage's share of server CPU: /collect ${(collect.cpuUsPerReq - cf.cpuUsPerReq).toFixed(1)} µs per request, /api/events ${((batch.cpuUsPerReq - bf.cpuUsPerReq) / batchSize).toFixed(2)} µs per event`,
    );
  }
  console.log(
    `server CPU per request: /collect ${(collect.cpuUsPerReq / bare.cpuUsPerReq).toFixed(2)} × bare's, /api/events ${(batch.cpuUsPerReq / batchSize).toFixed(2)} µs per event`,
  );
  const peak = Math.max(collect.peakRssMb, batch.peakRssMb);
  console.log(`\npeak collector RSS ${peak.toFixed(0)} MB (goal ≤ 150 MB)`);
  const ok =
    ratio >= 0.6 && eventsPerSec >= 150_000 && peak <= 150 && collect.bad + batch.bad === 0;
  console.log(ok ? 'all goals met' : 'GOALS NOT MET');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
