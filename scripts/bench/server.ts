/**
 * Benchmark server, run as a child process so load generation does not share its event loop.
 * `tsx scripts/bench/server.ts bare|collector|no-storage <dbfile>` prints `port=N` once listening.
 * `no-storage` is the collector with a writer that stores nothing: the ceiling of the layers above
 * SQLite (HTTP, validation, enrichment, rate limits), to tell their cost from the writes'.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { columnStartFromEnv } from '../../collector/src/analytics/columns/store.js';
import { createApp } from '../../collector/src/app.js';
import { startCheckpointer } from '../../collector/src/db/checkpointer.js';
import { openDatabase } from '../../collector/src/db/client.js';
import { websites } from '../../collector/src/db/schema.js';
import type { EventWriter } from '../../collector/src/storage/types.js';

const [mode = 'collector', dbFile = ':memory:', migrationsFolder] = process.argv.slice(2);

function bareApp() {
  // The floor we compare against: parse the same JSON body and answer, no storage, no enrichment.
  const app = new Hono();
  app.post('/collect', async (c) => {
    const body = JSON.parse(await c.req.text()) as { type?: string };
    return c.json({ ok: true, type: body.type }, 202);
  });
  return app;
}

/** Answers every write as stored, storing nothing (`no-storage`). */
const nullWriter: EventWriter = {
  write: async (b) => ({
    accepted: b.events.length,
    duplicates: 0,
    sessionId: b.sessionId ?? b.visitorId,
    replay: null,
  }),
  countBotDrop: async () => {},
  flush: () => {},
  stats: { flushes: 0, requests: 0, events: 0 },
};

function collectorApp(storage: boolean) {
  const database = openDatabase(dbFile, { migrationsFolder });
  database.db
    .insert(websites)
    .values({ id: 'bench-site', name: 'Bench', domain: 'bench.example', createdAt: Date.now() })
    .onConflictDoNothing()
    .run();
  startCheckpointer(database.sqlite); // as `npm start` does
  // limits far above the load, so the limiters run (their cost is measured) but never refuse
  const unlimited = { perSecond: 1e9, burst: 1e9 };
  // the reports' column store as with `npm start` (built once a report is asked for, so not
  // during this load; SIGHTLINE_COLUMNS=eager builds it at start: then its triggers, its
  // catch-up every few seconds and its columns take their share of the ingest's time and memory)
  return createApp({
    database,
    columns: columnStartFromEnv(),
    limits: { ingestPerIp: unlimited, ingestPerWebsite: unlimited },
    writer: storage ? undefined : nullWriter,
  });
}

const app = mode === 'bare' ? bareApp() : collectorApp(mode !== 'no-storage');
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`port=${info.port}`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
