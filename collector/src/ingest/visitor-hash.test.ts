import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { createVisitorHasher } from './visitor-hash.js';

const day1 = Date.parse('2024-02-10T08:00:00Z');
const dayMs = 86400000;

describe('cookieless visitor hash', () => {
  it('is stable within a UTC day and differs across days, sites, IPs and user agents', () => {
    const { sqlite } = openDatabase(':memory:');
    const hash = createVisitorHasher(sqlite);
    const a = hash('site-1', '203.0.113.7', 'UA', day1);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(hash('site-1', '203.0.113.7', 'UA', day1 + 15 * 3600000)).toBe(a);
    expect(hash('site-1', '203.0.113.7', 'UA', day1 + dayMs)).not.toBe(a);
    expect(hash('site-2', '203.0.113.7', 'UA', day1)).not.toBe(a);
    expect(hash('site-1', '203.0.113.8', 'UA', day1)).not.toBe(a);
    expect(hash('site-1', '203.0.113.7', 'UA2', day1)).not.toBe(a);
  });

  it('shares the daily salt through the database and deletes salts older than yesterday', () => {
    const { sqlite } = openDatabase(':memory:');
    let n = 0;
    const one = createVisitorHasher(sqlite, { newSalt: () => `salt-${++n}` });
    const other = createVisitorHasher(sqlite, { newSalt: () => 'never-used' });
    expect(other('s', 'ip', 'ua', day1)).toBe(one('s', 'ip', 'ua', day1));
    one('s', 'ip', 'ua', day1 + dayMs);
    one('s', 'ip', 'ua', day1 + 2 * dayMs);
    expect(sqlite.prepare('SELECT day FROM salts ORDER BY day').all()).toEqual([
      { day: '2024-02-11' },
      { day: '2024-02-12' },
    ]);
  });
});
