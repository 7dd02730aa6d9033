/**
 * What SQLite's page size and page cache cost the ingest writer:
 * `npm run bench:storage -- [--rounds 3] [--requests 60000]
 * [--batches 4000] [--pages 4096,8192,16384] [--caches 2000,16000]`.
 *
 * Drives the real writer (`createSqliteEventWriter`, with the background checkpointer) directly,
 * without HTTP, in a fresh database file per setting, each in its own child process, settings
 * in turn round after round. Two loads, as `bench-ingest` sends them: `/collect` pageviews (one
 * per request, 2000 live sessions) and `/api/events` batches (50 clicks over the batch's last
 * 0.5 s, so timestamps of concurrent batches interleave), 23 requests per transaction (what group
 * commit forms under bench-ingest's 50 connections), on a clock running at bench-ingest's rates.
 * Prints the process's CPU time (all threads) per request and per event (peak RSS is
 * bench-ingest's: this process holds every request it sends prebuilt).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCheckpointer } from '../../collector/src/db/checkpointer.js';
import { openDatabase } from '../../collector/src/db/client.js';
import { websites } from '../../collector/src/db/schema.js';
import { createSqliteEventWriter } from '../../collector/src/storage/sqlite-writer.js';
import type { SessionAttributes, WriteBatch } from '../../collector/src/storage/types.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const GROUP = 23;
const BATCH = 50;
const LOADS = ['collect', 'events'] as const;
type Load = (typeof LOADS)[number];

interface Result {
  cpuUs: number;
  items: number;
  events: number;
}

async function child(load: Load, pageSize: number, cacheKib: number, count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-storage-'));
  const database = openDatabase(join(dir, 'bench.db'), { pageSize, cacheKib });
  database.db
    .insert(websites)
    .values({ id: 'bench-site', name: 'Bench', domain: 'bench.example', createdAt: Date.now() })
    .run();
  const checkpointer = startCheckpointer(database.sqlite);
  const writer = createSqliteEventWriter(database.sqlite);
  const attributes: SessionAttributes = {
    hostname: 'bench.example',
    referrer: null,
    source: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    browser: 'Chrome',
    browserVersion: '126',
    os: 'Windows',
    device: 'desktop',
    screen: '1920x1080',
    language: 'en-US',
    country: null,
  };
  const sessions = Array.from({ length: 2000 }, () => ({ s: randomUUID(), v: randomUUID() }));
  const props = JSON.stringify({ tag: 'BUTTON', id: 'submit-btn', class: 'btn', text: 'Submit' });
  const paths = ['/', '/pricing', '/blog/hello-world', '/docs/install', '/about'];
  // bench-ingest's rates: ~20k /collect requests and ~3k /api/events batches per second
  const step = load === 'collect' ? 0.05 : 0.33;
  let clock = Date.now() - 3_600_000;
  let n = 0;
  const request = (): WriteBatch => {
    const s = sessions[Math.floor(Math.random() * sessions.length)]!;
    clock += step;
    const now = Math.floor(clock);
    const event = (ts: number, type: string, path: string) => ({
      id: `${n++}`,
      ts,
      type,
      name: null,
      path,
      hostname: 'bench.example',
      title: null,
      referrer: null,
      scrollDepth: null,
      engagedMs: null,
      props: type === 'click' ? props : null,
      userId: null,
    });
    const events =
      load === 'collect'
        ? [event(now, 'pageview', paths[n % paths.length]!)]
        : Array.from({ length: BATCH }, (_, i) => event(now - (BATCH - i) * 10, 'click', '/'));
    return {
      websiteId: 'bench-site',
      sessionId: s.s,
      visitorId: s.v,
      cookieless: false,
      userId: null,
      attributes,
      events,
      replayChunks: [],
    };
  };
  // warm-up: the sessions exist and the caches are filled before the measured part
  for (let i = 0; i < 3000 / GROUP; i++)
    await Promise.all(Array.from({ length: GROUP }, () => writer.write(request())));
  const groups = Math.ceil(count / GROUP);
  const pending: WriteBatch[][] = Array.from({ length: groups }, () =>
    Array.from({ length: GROUP }, request),
  );
  const cpu0 = process.cpuUsage();
  for (const group of pending) await Promise.all(group.map((b) => writer.write(b)));
  const cpu = process.cpuUsage(cpu0);
  await checkpointer?.stop();
  database.close();
  rmSync(dir, { recursive: true, force: true });
  const items = groups * GROUP;
  const result: Result = {
    cpuUs: cpu.user + cpu.system,
    items,
    events: load === 'collect' ? items : items * BATCH,
  };
  process.stdout.write(JSON.stringify(result));
}

function main() {
  const rounds = Number(arg('rounds', '3'));
  const requests = Number(arg('requests', '60000'));
  const batches = Number(arg('batches', '4000'));
  const pages = arg('pages', '4096,8192,16384').split(',').map(Number);
  const caches = arg('caches', '2000,16000').split(',').map(Number);
  const settings = pages.flatMap((p) => caches.map((c) => ({ p, c })));
  const self = fileURLToPath(import.meta.url);
  console.log('Sightline storage settings benchmark');
  console.log(
    `method: the ingest writer driven directly (no HTTP), ${GROUP} requests per transaction, background checkpoints;`,
  );
  console.log(
    `/collect: ${requests} pageview requests, 2000 sessions; /api/events: ${batches} batches of ${BATCH} clicks (timestamps over the batch's last 0.5 s);`,
  );
  console.log(
    `each setting in its own process on a fresh file, in turn for ${rounds} rounds; CPU = user + system of that process (all threads), medians.\n`,
  );
  const runs = new Map<string, Result[]>();
  for (let r = 0; r < rounds; r++) {
    for (const load of LOADS) {
      for (const { p, c } of settings) {
        const out = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            self,
            '--child',
            load,
            String(p),
            String(c),
            String(load === 'collect' ? requests : batches),
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        if (out.status !== 0) throw new Error(`child ${load} ${p} ${c} exited with ${out.status}`);
        const key = `${load} ${p} ${c}`;
        runs.set(key, [...(runs.get(key) ?? []), JSON.parse(out.stdout) as Result]);
      }
    }
    console.log(`round ${r + 1} of ${rounds} done`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('\nload         page size  cache     CPU per request  CPU per event');
  for (const load of LOADS) {
    for (const { p, c } of settings) {
      const list = runs.get(`${load} ${p} ${c}`)!;
      const perItem = median(list.map((x) => x.cpuUs / x.items));
      const perEvent = median(list.map((x) => x.cpuUs / x.events));
      console.log(
        `${(load === 'collect' ? '/collect' : '/api/events').padEnd(12)} ${String(p).padStart(9)}  ${`${c / 1000} MB`.padEnd(8)}  ${perItem.toFixed(1).padStart(10)} µs    ${perEvent.toFixed(2).padStart(8)} µs`,
      );
    }
  }
}

const at = process.argv.indexOf('--child');
if (at > 0) {
  const [load, p, c, count] = process.argv.slice(at + 1);
  await child(load as Load, Number(p), Number(c), Number(count));
} else main();
