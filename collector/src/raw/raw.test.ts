import { describe, expect, it } from 'vitest';
import { generate } from '../analytics/oracle.js';
import { addKey } from '../queries/test-fixtures.js';
import { chromeUa } from '../routes/ingest-fixtures.js';
import { csvCell } from './export.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const START = Date.parse('2024-03-07T00:00:00Z');
const RANGE = 'from=2024-03-06T00:00:00Z&to=2024-03-14T00:00:00Z';

async function setup() {
  const f = await generate(11, START, 4 * 86_400_000, 12);
  const call = async (method: string, path: string, key = f.key) => {
    const res = await f.app.request(path, { method, headers: { Authorization: `Bearer ${key}` } });
    return res;
  };
  return { ...f, call };
}

/** A small RFC 4180 reader, enough to read our own export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      ((row = []), (cell = ''), i++);
    } else cell += ch;
  }
  return rows;
}

describe('raw events', () => {
  it('list pages through every event, newest first, with a cursor; a type filter', async () => {
    const f = await setup();
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res = await f.call(
        'GET',
        `/api/events?websiteId=site-1&${RANGE}&limit=37${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      seen.push(...body.events);
      cursor = body.nextCursor;
    } while (cursor);
    const expected = [...f.events].sort((a, b) => b.ts - a.ts || (b.id < a.id ? -1 : 1));
    expect(seen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    const pv = (await (
      await f.call('GET', `/api/events?websiteId=site-1&${RANGE}&type=pageview&limit=1000`)
    ).json()) as Json;
    expect(pv.events.length).toBe(f.events.filter((e) => e.type === 'pageview').length);
    expect((await f.call('GET', `/api/events?websiteId=site-1&cursor=garbage`)).status).toBe(400);
  });

  it('get one; delete one with the write scope (its session counters follow)', async () => {
    const f = await setup();
    const pv = f.events.find((e) => e.type === 'pageview')!;
    const one = (await (
      await f.call('GET', `/api/events/${pv.id}?websiteId=site-1`)
    ).json()) as Json;
    expect(one).toMatchObject({ id: pv.id, type: 'pageview', sessionId: pv.session_id });
    expect((await f.call('GET', `/api/events/nope?websiteId=site-1`)).status).toBe(404);
    const reader = addKey(f.database.db, { scopes: ['read'] });
    expect((await f.call('DELETE', `/api/events/${pv.id}?websiteId=site-1`, reader)).status).toBe(
      403,
    );
    const before = f.all<{ pageviews: number }>(
      'SELECT pageviews FROM sessions WHERE id = ?',
      pv.session_id,
    )[0]!;
    expect((await f.call('DELETE', `/api/events/${pv.id}?websiteId=site-1`)).status).toBe(204);
    expect((await f.call('GET', `/api/events/${pv.id}?websiteId=site-1`)).status).toBe(404);
    const after = f.all<{ pageviews: number }>(
      'SELECT pageviews FROM sessions WHERE id = ?',
      pv.session_id,
    )[0]!;
    expect(after.pageviews).toBe(before.pageviews - 1);
  });
});

describe('exports', () => {
  it('CSV quotes what needs it and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(-5)).toBe('-5'); // numbers are numbers
    expect(csvCell(null)).toBe('');
  });

  it('events as CSV and NDJSON, streamed, read back whole', async () => {
    const f = await setup();
    // an event whose text would be a formula and holds a comma and quotes
    f.setNow(START + 3_600_000);
    await f.post(
      '/collect',
      {
        type: 'pageview',
        websiteId: 'site-1',
        href: 'https://example.com/evil',
        title: '=cmd|"/c calc"!A1, x',
        visitorId: 'visitor-0',
        sessionId: 'session-0-1',
        eventId: 'evil-1',
        timestamp: START + 3_000_000,
      },
      { 'user-agent': chromeUa },
    );
    const rows = f.all<{ id: string }>(
      "SELECT id FROM events WHERE website_id = 'site-1' ORDER BY ts, id",
    );
    const csvRes = await f.call('GET', `/api/export/events?websiteId=site-1&${RANGE}&format=csv`);
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toMatch(/attachment; filename="events.csv"/);
    const csv = parseCsv(await csvRes.text());
    const header = csv[0]!;
    expect(header.slice(0, 3)).toEqual(['ts', 'id', 'session_id']);
    expect(csv.slice(1).map((r) => r[1])).toEqual(rows.map((r) => r.id));
    const evil = csv.find((r) => r[1] === 'evil-1')!;
    expect(evil[header.indexOf('title')]).toBe(`'=cmd|"/c calc"!A1, x`);
    const nd = await (
      await f.call('GET', `/api/export/events?websiteId=site-1&${RANGE}&format=ndjson`)
    ).text();
    const lines = nd
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.id)).toEqual(rows.map((r) => r.id));
    expect(lines.find((l) => l.type === 'custom')?.props).toEqual(
      expect.objectContaining({ plan: expect.any(String) }),
    );
    const sessions = await (
      await f.call('GET', `/api/export/sessions?websiteId=site-1&${RANGE}&format=csv`)
    ).text();
    expect(parseCsv(sessions).length - 1).toBe(f.sessions.length);
    expect((await f.call('GET', `/api/export/events?websiteId=site-1&format=xml`)).status).toBe(
      400,
    );
  });
});

describe('people', () => {
  it('a visitor’s and a user’s journey; erasing a user removes everything of their visitors', async () => {
    const f = await setup();
    f.setNow(START + 3_600_000);
    await f.post(
      '/collect',
      {
        type: 'identify',
        websiteId: 'site-1',
        href: 'https://example.com/account',
        userId: 'user-42',
        visitorId: 'visitor-3',
        sessionId: 'session-3-1',
        eventId: 'identify-1',
        timestamp: START + 3_500_000,
      },
      { 'user-agent': chromeUa },
    );
    const mine = f.all<{ id: string; ts: number }>(
      "SELECT id, ts FROM events WHERE visitor_id = 'visitor-3' ORDER BY ts, id",
    );
    const j = (await (
      await f.call('GET', '/api/people/visitor/visitor-3?websiteId=site-1')
    ).json()) as Json;
    expect(j.events.map((e: Json) => e.id)).toEqual(mine.map((e) => e.id));
    expect(j.firstSeen).toBe(new Date(mine[0]!.ts).toISOString());
    expect(j.lastSeen).toBe(new Date(mine.at(-1)!.ts).toISOString());
    const u = (await (await f.call('GET', '/api/people/user/user-42')).json()) as Json;
    expect(u.visitorIds).toEqual(['visitor-3']);
    expect(u.events.length).toBe(mine.length);
    expect((await f.call('GET', '/api/people/visitor/nobody?websiteId=site-1')).status).toBe(404);
    // erasure needs admin
    const reader = addKey(f.database.db, { scopes: ['read', 'write'] });
    expect((await f.call('DELETE', '/api/people/user/user-42', reader)).status).toBe(403);
    const sessionsBefore = f.all("SELECT id FROM sessions WHERE visitor_id = 'visitor-3'").length;
    const erased = (await (await f.call('DELETE', '/api/people/user/user-42')).json()) as Json;
    expect(erased.erased).toMatchObject({ events: mine.length, sessions: sessionsBefore });
    expect(f.all("SELECT 1 FROM events WHERE visitor_id = 'visitor-3'")).toEqual([]);
    expect(f.all("SELECT 1 FROM sessions WHERE visitor_id = 'visitor-3'")).toEqual([]);
    expect(f.all("SELECT 1 FROM events WHERE visitor_id = 'visitor-4'").length).toBeGreaterThan(0);
  });
});
