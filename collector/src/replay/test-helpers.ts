/** Test helpers for the replay work: an app on an in-memory database, keys, sessions, chunks. */
import { gzipSync } from 'node:zlib';
import { createApp } from '../app.js';
import { createApiKey, type Scope } from '../auth/api-keys.js';
import { openDatabase } from '../db/client.js';
import { sessions, websites } from '../db/schema.js';
import type { Limits } from '../context.js';
import { resolveContext } from '../context.js';

export const T0 = Date.parse('2024-01-15T12:00:00Z');

/** An rrweb-like event. */
export function ev(timestamp: number, type = 3, data: Record<string, unknown> = {}) {
  return { type, data, timestamp };
}

/** A `ReplayChunkPayload` as the recorder sends it. */
export function chunk(
  id: string,
  seq: number,
  events: { timestamp: number }[],
  encoding: 'gzip+base64' | 'json' = 'gzip+base64',
) {
  const text = JSON.stringify(events);
  const ts = events.map((e) => e.timestamp);
  return {
    id,
    seq,
    encoding,
    data: encoding === 'json' ? text : gzipSync(Buffer.from(text)).toString('base64'),
    count: events.length,
    startTs: Math.min(...ts),
    endTs: Math.max(...ts),
    rawBytes: Buffer.byteLength(text),
  };
}

export function replayTestApp(limits: Partial<Limits> = {}) {
  const database = openDatabase(':memory:');
  let clock = T0;
  let n = 0;
  const deps = { database, now: () => clock, randomId: () => `id-${++n}`, limits };
  const app = createApp(deps);
  const ctx = resolveContext(deps);
  const { db } = database;
  let keys = 0;
  return {
    app,
    ctx,
    db,
    setNow: (ms: number) => void (clock = ms),
    website(id: string) {
      db.insert(websites)
        .values({ id, name: id, domain: `${id}.example.com`, createdAt: T0 - 86_400_000 })
        .run();
      return id;
    },
    key(websiteId: string | null, scopes: Scope[] = ['read']) {
      const id = `key-${++keys}`;
      return createApiKey(db, { id, name: id, scopes, websiteId, now: T0 - 1000 }).key;
    },
    session(websiteId: string, id: string, startedAt = T0, visitorId = 'v1') {
      db.insert(sessions).values({ websiteId, id, visitorId, startedAt, endedAt: startedAt }).run();
    },
    get: (path: string, key?: string) =>
      app.request(path, key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } }),
  };
}
