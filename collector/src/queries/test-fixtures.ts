/**
 * Test helpers for the read side: an app on an in-memory database with a fake clock and ids, and
 * rows inserted the way ingest fills them. Only tests import this file.
 */
import { sql } from 'drizzle-orm';
import { createApp } from '../app.js';
import type { Limits } from '../context.js';
import { createApiKey, revokeApiKey, type Scope } from '../auth/api-keys.js';
import { openDatabase, type Db } from '../db/client.js';
import { eventRollups, events, sessions, websites, type SessionRow } from '../db/schema.js';

export const T0 = Date.parse('2024-01-15T12:00:00Z');

export function testApp(
  opts: { demoDir?: string; trustProxy?: boolean; limits?: Partial<Limits> } = {},
) {
  const database = openDatabase(':memory:');
  let clock = T0;
  let seq = 0;
  const now = () => clock;
  const randomId = () => `id-${++seq}`;
  const app = createApp({ database, now, randomId, ...opts });
  const db = database.db;
  return {
    app,
    db,
    database,
    setNow: (ms: number) => {
      clock = ms;
    },
    get: (path: string, key?: string) =>
      app.request(path, key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } }),
    post: (path: string, body: unknown, key?: string) =>
      app.request(path, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: {
          'Content-Type': 'application/json',
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
        },
      }),
  };
}

export function addWebsite(
  db: Db,
  id: string,
  createdAt = T0 - 86_400_000,
  name = `Site ${id}`,
): string {
  db.insert(websites)
    .values({ id, name, domain: `${id}.example.com`, createdAt })
    .run();
  return id;
}

let keySeq = 0;
/** Stores a key and returns its text. */
export function addKey(
  db: Db,
  opts: { scopes?: Scope[]; websiteId?: string; expiresAt?: number; revokedAt?: number } = {},
): string {
  const id = `key-${++keySeq}`;
  const k = createApiKey(db, {
    id,
    name: id,
    scopes: opts.scopes ?? ['read'],
    websiteId: opts.websiteId ?? null,
    expiresAt: opts.expiresAt ?? null,
    now: T0 - 1000,
  });
  if (opts.revokedAt !== undefined) revokeApiKey(db, id, opts.revokedAt);
  return k.key;
}

export function addSession(
  db: Db,
  s: Partial<SessionRow> & { websiteId: string; id: string; startedAt: number },
) {
  db.insert(sessions)
    .values({ visitorId: `v-${s.id}`, endedAt: s.startedAt, ...s })
    .run();
}

let eventSeq = 0;
export function addEvent(
  db: Db,
  e: { websiteId: string; sessionId: string; ts: number; type: string; id?: string } & Partial<
    typeof events.$inferInsert
  >,
) {
  db.insert(events)
    .values({ id: `ev-${String(++eventSeq).padStart(6, '0')}`, visitorId: 'v', ...e })
    .run();
  // as the ingest writer does: every stored event is in the hourly rollup
  const hour = e.ts - (e.ts % 3_600_000);
  db.insert(eventRollups)
    .values({
      websiteId: e.websiteId,
      hour,
      type: e.type,
      name: e.name ?? '',
      path: e.path ?? '',
      events: 1,
    })
    .onConflictDoUpdate({
      target: [
        eventRollups.websiteId,
        eventRollups.hour,
        eventRollups.type,
        eventRollups.name,
        eventRollups.path,
      ],
      set: { events: sql`${eventRollups.events} + 1` },
    })
    .run();
}
