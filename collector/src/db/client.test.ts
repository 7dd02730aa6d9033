import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_KIB, PAGE_SIZE, openDatabase } from './client.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pragma = (sqlite: Database.Database, name: string) => sqlite.pragma(name, { simple: true });

describe('openDatabase', () => {
  it('creates a file with 4 KiB pages in WAL mode with a 2 MB cache', () => {
    const file = join(dir, 'new.db');
    const { sqlite, close } = openDatabase(file);
    expect(PAGE_SIZE).toBe(4096);
    expect(pragma(sqlite, 'page_size')).toBe(PAGE_SIZE);
    expect(pragma(sqlite, 'journal_mode')).toBe('wal');
    expect(pragma(sqlite, 'cache_size')).toBe(-CACHE_KIB);
    close();
    // the page size is the file's: a plain connection sees it too
    const plain = new Database(file, { readonly: true });
    expect(pragma(plain, 'page_size')).toBe(PAGE_SIZE);
    plain.close();
  });

  it('creates a new file with the page size and cache it is asked for (the benchmarks)', () => {
    const { sqlite, close } = openDatabase(join(dir, 'sized.db'), {
      pageSize: 8192,
      cacheKib: 500,
    });
    expect(pragma(sqlite, 'page_size')).toBe(8192);
    expect(pragma(sqlite, 'cache_size')).toBe(-500);
    close();
  });

  it('opens a database made with other pages as it is, data and page size kept', () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('page_size = 16384');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE notes (v TEXT); INSERT INTO notes VALUES ('kept')");
    old.close();

    const { sqlite, close } = openDatabase(file);
    expect(pragma(sqlite, 'page_size')).toBe(16384);
    expect(sqlite.prepare('SELECT v FROM notes').pluck().get()).toBe('kept');
    expect(sqlite.prepare('SELECT count(*) FROM websites').pluck().get()).toBe(0);
    close();
  });
});
