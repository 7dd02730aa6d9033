import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { apiKeys, websites } from '../db/schema.js';
import { createApp } from '../app.js';
import { bannerLines } from './banner.js';
import { FirstRunError, firstRun } from './first-run.js';

const now = Date.parse('2024-01-15T12:00:00Z');
function ids() {
  let n = 0;
  return () => `id-${++n}`;
}
const fixedBytes = (size: number) => new Uint8Array(size).fill(7);

describe('firstRun', () => {
  it('creates the default website and a random admin key once', async () => {
    const database = openDatabase(':memory:');
    const first = firstRun(database.db, { now, randomId: ids(), random: fixedBytes });
    expect(first.created).toBe(true);
    if (!first.created) return;
    expect(first.website).toMatchObject({
      id: 'id-1',
      name: 'My website',
      domain: 'localhost',
      createdAt: now,
    });
    expect(first.adminKey.key).toBe(`sl_${Buffer.from(fixedBytes(32)).toString('base64url')}`);
    expect(first.adminKey.given).toBe(false);

    const again = firstRun(database.db, { now: now + 1, randomId: ids() });
    expect(again).toEqual({
      created: false,
      website: first.website,
      activeKeys: 1,
      adminKeyKnown: false,
    });
    expect(database.db.select().from(websites).all()).toHaveLength(1);
    expect(database.db.select().from(apiKeys).all()).toHaveLength(1);

    // the printed key works as an admin key
    const app = createApp({ database, now: () => now });
    const res = await app.request('/api/websites', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${first.adminKey.key}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: 'B', domain: 'b.com' }),
    });
    expect(res.status).toBe(201);
  });

  it('honours a given admin key, and recognises it later', async () => {
    const database = openDatabase(':memory:');
    const adminKey = 'sl_automation_key_0123456789';
    const first = firstRun(database.db, { now, randomId: ids(), adminKey });
    expect(first.created && first.adminKey).toMatchObject({ key: adminKey, given: true });
    expect(JSON.stringify(database.db.select().from(apiKeys).all())).not.toContain(adminKey);
    const app = createApp({ database, now: () => now });
    const res = await app.request('/stats', { headers: { Authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    expect(firstRun(database.db, { now, randomId: ids(), adminKey })).toMatchObject({
      created: false,
      adminKeyKnown: true,
    });
  });

  it('refuses a short admin key before touching the database', () => {
    const database = openDatabase(':memory:');
    expect(() => firstRun(database.db, { now, randomId: ids(), adminKey: 'short' })).toThrow(
      FirstRunError,
    );
    expect(database.db.select().from(websites).all()).toHaveLength(0);
  });
});

describe('bannerLines', () => {
  it('prints the key and a curl line on the first start only', () => {
    const database = openDatabase(':memory:');
    const setup = firstRun(database.db, { now, randomId: ids(), random: fixedBytes });
    const base = {
      url: 'http://localhost:8000',
      databasePath: '/x/data/sightline.db',
      version: '0.1.0',
      demo: true,
    };
    const first = bannerLines({ ...base, setup }).join('\n');
    if (!setup.created) throw new Error('expected a first run');
    expect(first).toContain(
      `curl -H "Authorization: Bearer ${setup.adminKey.key}" http://localhost:8000/stats`,
    );
    expect(first).toContain('data-website-id="id-1"');
    expect(first).toContain('http://localhost:8000/demo/');
    const later = bannerLines({
      ...base,
      setup: firstRun(database.db, { now, randomId: ids() }),
    }).join('\n');
    expect(later).not.toContain(setup.adminKey.key);
    expect(later).toContain('1 API key(s) exist');
    expect(later).toContain('data-website-id="id-1"');
  });
});
