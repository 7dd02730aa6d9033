/**
 * Test support: runs a describe block's reports on one path, SQL or the column store, and checks
 * afterwards that the column path really answered (no silent fall back to SQL), and only there.
 * Only tests import this file.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import { columnStoreFor } from './store.js';

export const PATHS = ['sql', 'columns'] as const;

/** In a `describe.each(PATHS)` block: builds or resets the store of `sqlite()` first. */
export function onPath(
  path: (typeof PATHS)[number],
  sqlite: () => Promise<Database.Database>,
  minAnswered: number,
): void {
  let answered = 0;
  beforeAll(async () => {
    const store = columnStoreFor(await sqlite());
    if (path === 'columns') await store.build();
    else store.reset();
    expect(store.state).toBe(path === 'columns' ? 'ready' : 'idle');
    answered = store.stats.answered;
  });
  afterAll(async () => {
    const store = columnStoreFor(await sqlite());
    if (path === 'columns')
      expect(store.stats.answered - answered).toBeGreaterThanOrEqual(minAnswered);
    else expect(store.stats.answered).toBe(answered);
  });
}
