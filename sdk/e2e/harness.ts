/**
 * Test harness for real-browser tests: a real collector (createApp + node server + SQLite file)
 * on one loopback origin, a plain static site on another, and Debian's Chromium via playwright-core.
 */
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../collector/src/app.js';
import { openDatabase, type OpenDatabase } from '../../collector/src/db/client.js';
import { websites } from '../../collector/src/db/schema.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const distDir = join(repoRoot, 'sdk', 'dist');

export interface Collector {
  url: string;
  websiteId: string;
  database: OpenDatabase;
  /** rows of a SQL query against the collector's database */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  close(): Promise<void>;
}

function listen(server: ServerType | Server): Promise<number> {
  return new Promise((ok) => {
    const addr = server.address() as AddressInfo | null;
    if (addr) return ok(addr.port);
    server.once('listening', () => ok((server.address() as AddressInfo).port));
  });
}

/** Starts a collector on 127.0.0.1 with a fresh SQLite file and one website. */
export async function startCollector(
  opts: { websiteId?: string; assetsDir?: string } = {},
): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  const database = openDatabase(join(dir, 'sightline.db'));
  const websiteId = opts.websiteId ?? 'e2e-site';
  database.db
    .insert(websites)
    .values({ id: websiteId, name: 'E2E', domain: '127.0.0.1', createdAt: Date.now() })
    .run();
  const app = createApp({ database, assetsDir: opts.assetsDir ?? distDir });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    websiteId,
    database,
    all: (sql, ...params) => database.sqlite.prepare(sql).all(...params) as never,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Site {
  /** base URL, on `localhost` so it is another origin than the collector */
  url: string;
  close(): Promise<void>;
}

/**
 * A static site on `localhost`: path → HTML. Unknown paths 404. `held` paths answer only when
 * their promise settles (a slow image holds the page's `load` event back).
 */
export async function startSite(
  pages: Record<string, string>,
  held: Record<string, Promise<unknown>> = {},
): Promise<Site> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hold = held[path];
    if (hold) {
      void hold.finally(() => res.writeHead(204).end());
      return;
    }
    const body = pages[path] ?? pages['*'];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  const port = await listen(server);
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** The script tag a site owner pastes, with the test override for automation. */
export function snippet(c: Collector, attrs: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    'data-website-id': c.websiteId,
    'data-allow-localhost': 'true',
    'data-allow-bots': 'true',
    ...attrs,
  };
  const list = Object.entries(all)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<script defer src="${c.url}/script.js" ${list}></script>`;
}

/**
 * A desktop Chrome user agent: the collector's server-side bot filter drops `HeadlessChrome`,
 * so pages that stand for real visitors use this one (the client check still needs the override).
 */
export const desktopUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** Debian Chromium, headless, with the flags that keep it off the closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Beacons sent while a page unloads bypass per-page UA overrides, so set it browser-wide.
      `--user-agent=${desktopUserAgent}`,
    ],
  });
}

/** Polls until `check` returns a truthy value (the collector commits asynchronously to the page). */
export async function waitFor<T>(check: () => T, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
