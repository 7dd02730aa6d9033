import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../db/client.js';
import type { EventWriter, WriteBatch } from '../storage/types.js';
import { ingestApp, seedBatch, seedCollect } from './ingest-fixtures.js';

/** Counts the transactions run on the real connection (wraps `sqlite.transaction` before the app builds its writer). */
function countTransactions(database: OpenDatabase, counter: { n: number }): void {
  const sqlite = database.sqlite;
  const original = sqlite.transaction.bind(sqlite);
  const counting = (fn: (...args: unknown[]) => unknown) => {
    const tx = original(fn);
    return Object.assign((...args: unknown[]) => {
      counter.n++;
      return tx(...args);
    }, tx);
  };
  sqlite.transaction = counting as unknown as Database.Database['transaction'];
}

describe('group commit through the app', () => {
  it('answers 50 concurrent requests, each after its commit, in fewer transactions', async () => {
    const transactions = { n: 0 };
    const f = ingestApp({}, (db) => countTransactions(db, transactions));
    const visible = f.database.sqlite.prepare('SELECT count(*) AS n FROM events WHERE id = ?');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const body =
          i % 2
            ? { ...seedCollect, eventId: `e${i}`, sessionId: `s${i % 7}` }
            : {
                ...seedBatch,
                metadata: { ...seedBatch.metadata, websiteId: 'site-1', sessionId: `s${i % 7}` },
                analytics: [{ ...seedBatch.analytics[0]!, eventId: `e${i}` }],
                // distinct recordings: identical legacy arrays are one chunk (retry-safe)
                replay: seedBatch.replay.map((r) => ({ ...r, timestamp: r.timestamp + i })),
              };
        return Promise.resolve(f.post(i % 2 ? '/collect' : '/api/events', body)).then(
          (r: Response) => ({
            status: r.status,
            stored: (visible.get(`e${i}`) as { n: number }).n,
          }),
        );
      }),
    );
    expect(answers.filter((a) => a.status === 202 && a.stored === 1)).toHaveLength(50);
    expect(transactions.n).toBeGreaterThan(0);
    expect(transactions.n).toBeLessThan(50);
    expect(f.all('SELECT count(*) AS n FROM sessions')).toEqual([{ n: 7 }]);
    expect(f.all('SELECT sum(events) AS n, sum(replay_events) AS r FROM sessions')).toEqual([
      { n: 50, r: 50 },
    ]);
    expect(f.all('SELECT count(*) AS n FROM replay_chunks')).toEqual([{ n: 25 }]);
    expect(f.all('SELECT sum(replay_chunks) AS n FROM sessions')).toEqual([{ n: 25 }]);
  });

  it('hands every batch to the writer the app is given, and stores nothing itself', async () => {
    const batches: WriteBatch[] = [];
    const writer: EventWriter = {
      write: async (b) => {
        batches.push(b);
        return { accepted: b.events.length, duplicates: 0, sessionId: 'given', replay: null };
      },
      countBotDrop: async () => {},
      flush: () => {},
      stats: { flushes: 0, requests: 0, events: 0 },
    };
    const f = ingestApp({ writer });
    const pageview = await f.post('/collect', seedCollect);
    expect(pageview.status).toBe(202);
    expect(await pageview.json()).toEqual({ ok: true, accepted: 1, duplicates: 0 });
    const clicks = {
      ...seedBatch,
      metadata: { ...seedBatch.metadata, websiteId: 'site-1' },
      replay: undefined,
    };
    expect((await f.post('/api/events', clicks)).status).toBe(202);
    expect(batches.map((b) => [b.sessionId, b.events.map((e) => [e.type, e.path])])).toEqual([
      ['session-1', [['pageview', '/pricing?plan=pro']]],
      ['session-1', [['click', '/pricing']]],
    ]);
    expect(batches[0]!.attributes.browser).toBe('Chrome');
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(f.all('SELECT count(*) AS n FROM sessions')).toEqual([{ n: 0 }]);
  });
});
