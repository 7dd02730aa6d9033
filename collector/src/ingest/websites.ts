import type Database from 'better-sqlite3';
import type { OpenDatabase } from '../db/client.js';

/** The settings of a website that ingest applies. */
export interface IngestWebsite {
  /** lower-case hostnames browsers may send from (each with its subdomains); empty = any */
  allowedDomains: readonly string[];
}

function parseDomains(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Whether a browser request from `origin` may send events for a website: any origin when the
 * website lists no allowed domains; else the origin's host must be a listed domain or one of its
 * subdomains (`example.com` allows `www.example.com`). Requests without an `Origin` header are
 * not from a browser page (curl, servers) and are allowed.
 */
export function originAllowed(site: IngestWebsite, origin: string | undefined): boolean {
  if (origin === undefined || site.allowedDomains.length === 0) return true;
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage
  }
  return site.allowedDomains.some((d) => host === d || host.endsWith('.' + d));
}

/**
 * Known website ids, cached in memory for a short time because every ingest request needs the
 * check. Only positive answers are cached, so a website created a moment ago is found at once;
 * call {@link invalidateWebsiteCache} after deleting one so it stops accepting events at once too.
 */
export class WebsiteCache {
  private readonly known = new Map<string, { until: number; site: IngestWebsite }>();
  private readonly select: Database.Statement<[string], { allowed: string }>;

  constructor(
    sqlite: Database.Database,
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
  ) {
    this.select = sqlite.prepare('SELECT allowed_domains AS allowed FROM websites WHERE id = ?');
  }

  /** What ingest needs of a website, or undefined when there is none with this id. */
  get(id: string): IngestWebsite | undefined {
    const hit = this.known.get(id);
    const t = this.now();
    if (hit !== undefined && hit.until > t) return hit.site;
    const row = this.select.get(id);
    if (!row) {
      this.known.delete(id);
      return undefined;
    }
    const site = { allowedDomains: parseDomains(row.allowed) };
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(id, { until: t + this.ttlMs, site });
    return site;
  }

  /** true when a website with this id exists. */
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Forgets one id, or all of them. */
  invalidate(id?: string): void {
    if (id === undefined) this.known.clear();
    else this.known.delete(id);
  }
}

// Keyed by connection (not a global cache): every app over one database shares its cache.
const caches = new WeakMap<Database.Database, WebsiteCache>();

/** The website cache of a database, created on first use. */
export function websiteCacheFor(database: OpenDatabase, now: () => number): WebsiteCache {
  let cache = caches.get(database.sqlite);
  if (!cache) {
    cache = new WebsiteCache(database.sqlite, now);
    caches.set(database.sqlite, cache);
  }
  return cache;
}

/**
 * Call after deleting (or renaming the id of) a website, e.g. from the admin API:
 * `invalidateWebsiteCache(ctx.database, id)`. Without an id, forgets every cached website.
 */
export function invalidateWebsiteCache(database: OpenDatabase, websiteId?: string): void {
  caches.get(database.sqlite)?.invalidate(websiteId);
}
