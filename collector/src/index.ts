/**
 * The composition root and the only reader of `process.env`. Run from `collector/` with
 * `tsx src/index.ts`. Relative `file:` paths in DATABASE_URL resolve against the repository root,
 * so `file:./data/sightline.db` is `<repo>/data/sightline.db` whatever the working directory.
 */
import { serve } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { columnStartFromEnv } from './analytics/columns/store.js';
import { createApp } from './app.js';
import type { Limits } from './context.js';
import { jsonLogger } from './http/request-log.js';
import { startCheckpointer } from './db/checkpointer.js';
import { openDatabase, sqlitePathFromUrl } from './db/client.js';
import { startPlannerStats } from './db/planner-stats.js';
import { VERSION } from './routes/health.js';
import { bannerLines } from './setup/banner.js';
import { ensureAdminUser } from './setup/admin-user.js';
import { FirstRunError, firstRun } from './setup/first-run.js';
import { randomUUID } from 'node:crypto';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message: string): never {
  console.error(`sightline: ${message}`);
  process.exit(1);
}

/** `SIGHTLINE_INGEST_IP_RATE` / `SIGHTLINE_INGEST_WEBSITE_RATE`: requests per second (burst 10×; 0 = off). */
function rateLimits(env: NodeJS.ProcessEnv): Partial<Limits> {
  const limit = (name: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const perSecond = Number(raw);
    if (!Number.isFinite(perSecond) || perSecond < 0)
      fail(`${name} must be a number ≥ 0, not "${raw}"`);
    return { perSecond, burst: perSecond * 10 };
  };
  const out: Partial<Limits> = {};
  const ip = limit('SIGHTLINE_INGEST_IP_RATE');
  const site = limit('SIGHTLINE_INGEST_WEBSITE_RATE');
  if (ip) out.ingestPerIp = ip;
  if (site) out.ingestPerWebsite = site;
  return out;
}

function databasePath(url: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    fail(
      'PostgreSQL adapter not available yet; use DATABASE_URL=file:./data/sightline.db (SQLite)',
    );
  }
  const path = sqlitePathFromUrl(url);
  return path === ':memory:' || isAbsolute(path) ? path : resolve(repoRoot, path);
}

function main(): void {
  const env = process.env;
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST || '0.0.0.0';
  const dbPath = databasePath(env.DATABASE_URL || 'file:./data/sightline.db');
  const trustProxy = /^(1|true|yes)$/i.test(env.SIGHTLINE_TRUST_PROXY ?? '');
  const assetsDir = resolve(repoRoot, 'sdk/dist');
  const examples = resolve(repoRoot, 'examples');
  const demoDir = existsSync(examples) ? examples : undefined;

  const database = openDatabase(dbPath);
  let setup;
  try {
    setup = firstRun(database.db, {
      now: Date.now(),
      randomId: randomUUID,
      adminKey: env.SIGHTLINE_ADMIN_KEY,
    });
  } catch (err) {
    database.close();
    if (err instanceof FirstRunError) fail(err.message);
    throw err;
  }
  let admin;
  try {
    admin = ensureAdminUser(database.db, {
      email: env.SIGHTLINE_ADMIN_EMAIL,
      password: env.SIGHTLINE_ADMIN_PASSWORD,
      now: Date.now(),
      randomId: randomUUID,
    });
  } catch (err) {
    database.close();
    if (err instanceof FirstRunError) fail(err.message);
    throw err;
  }
  if (!admin.created && (env.SIGHTLINE_ADMIN_EMAIL || env.SIGHTLINE_ADMIN_PASSWORD)) {
    console.warn(
      'sightline: SIGHTLINE_ADMIN_EMAIL/PASSWORD are ignored: users exist (manage them with /api/users)',
    );
  }
  if (!setup.created && env.SIGHTLINE_ADMIN_KEY && !setup.adminKeyKnown) {
    console.warn('sightline: SIGHTLINE_ADMIN_KEY is ignored: it only applies to a fresh database');
  }

  startCheckpointer(database.sqlite);
  startPlannerStats(database.sqlite);
  const app = createApp({
    database,
    // the reports' column store, built in the background once a report is asked for
    // (SIGHTLINE_COLUMNS=eager: at start; off: never)
    columns: columnStartFromEnv(env),
    trustProxy,
    assetsDir,
    demoDir,
    limits: rateLimits(env),
    log: jsonLogger,
    logIngest: /^(1|true|yes)$/i.test(env.SIGHTLINE_LOG_INGEST ?? ''),
  });
  const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    const url = `http://${shownHost}:${info.port}`;
    console.log(
      bannerLines({
        url,
        databasePath: dbPath,
        version: VERSION,
        demo: demoDir !== undefined,
        setup,
        admin,
      }).join('\n'),
    );
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`sightline: ${signal}, closing`);
    server.close(() => {
      database.close();
      process.exit(0);
    });
    // open keep-alive connections must not hold the process forever
    setTimeout(() => {
      database.close();
      process.exit(0);
    }, 5000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main();
