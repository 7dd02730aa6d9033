import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';
import { openDatabase } from './client.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(test: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('background WAL checkpoints', () => {
  it('copy committed pages into the database file off the main connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const database = openDatabase(file);
    const ckpt = startCheckpointer(database.sqlite, 50)!;
    try {
      expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      database.sqlite.exec('CREATE TABLE t (x TEXT)');
      const insert = database.sqlite.prepare('INSERT INTO t VALUES (?)');
      database.sqlite.transaction(() => {
        for (let i = 0; i < 5000; i++) insert.run('row '.repeat(20) + i);
      })();
      const before = statSync(file).size;
      const runs = ckpt.runs;
      await until(() => ckpt.runs > runs + 1);
      // the rows now live in the database file itself, not only in the WAL
      expect(statSync(file).size).toBeGreaterThan(before + 300_000);
      expect(database.sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 5000 });
    } finally {
      await ckpt.stop();
      expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      database.close();
    }
  });

  it('is not started for an in-memory database', () => {
    const database = openDatabase(':memory:');
    expect(startCheckpointer(database.sqlite)).toBeNull();
    database.close();
  });
});
