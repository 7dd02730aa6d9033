import { describe, expect, it } from 'vitest';
import { addKey, testApp } from '../queries/test-fixtures.js';

interface WebsiteBody {
  id: string;
  name: string;
  domain: string;
  createdAt: string;
  snippet: string;
}

describe('POST /api/websites', () => {
  it('creates a website and answers 201 with the snippet for this origin', async () => {
    const t = testApp();
    const admin = addKey(t.db, { scopes: ['admin'] });
    const res = await t.app.request('http://stats.example.com:8000/api/websites', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '  Docs ', domain: 'Docs.Example.com' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as WebsiteBody;
    expect(body).toEqual({
      id: 'id-1',
      name: 'Docs',
      domain: 'docs.example.com',
      allowedDomains: [],
      timezone: 'UTC',
      publicStats: false,
      createdAt: '2024-01-15T12:00:00.000Z',
      snippet:
        '<script defer src="http://stats.example.com:8000/script.js" data-website-id="id-1"></script>',
    });
    const list = (await (await t.get('/api/websites', admin)).json()) as {
      websites: WebsiteBody[];
    };
    expect(list.websites.map((w) => w.id)).toEqual(['id-1']);
    // the new website is readable at once
    expect((await t.get('/stats?websiteId=id-1', admin)).status).toBe(200);
  });

  it('uses X-Forwarded-* for the snippet only behind a trusted proxy', async () => {
    for (const trustProxy of [false, true]) {
      const t = testApp({ trustProxy });
      const admin = addKey(t.db, { scopes: ['admin'] });
      const res = await t.app.request('http://10.0.0.5:8000/api/websites', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${admin}`,
          'Content-Type': 'application/json',
          'X-Forwarded-Proto': 'https',
          'X-Forwarded-Host': 'stats.example.com',
        },
        body: JSON.stringify({ name: 'A', domain: 'a.com' }),
      });
      const { snippet } = (await res.json()) as WebsiteBody;
      expect(snippet).toContain(
        trustProxy
          ? 'src="https://stats.example.com/script.js"'
          : 'src="http://10.0.0.5:8000/script.js"',
      );
    }
  });

  it('400 with a clear message for bad names, domains and JSON', async () => {
    const t = testApp();
    const admin = addKey(t.db, { scopes: ['admin'] });
    const cases: [unknown, string][] = [
      [{ name: '', domain: 'a.com' }, 'name'],
      [{ name: 'x'.repeat(101), domain: 'a.com' }, 'name'],
      [{ name: 'A', domain: 'https://a.com/' }, 'domain'],
      [{ name: 'A', domain: 'a b.com' }, 'domain'],
      [{ name: 'A' }, 'domain'],
      [{ name: 7, domain: 'a.com' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await t.post('/api/websites', body, admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await res.json()) as { error: { code: string; message: string } };
      expect(err.error.code).toBe('invalid_fields');
      expect(err.error.message).toContain(field);
    }
    const broken = await t.post('/api/websites', '{"name":', admin);
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const plain = await t.app.request('/api/websites', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ name: 'A', domain: 'a.com' }),
    });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe(
      'unsupported_media_type',
    );
    const list = (await (await t.get('/api/websites', admin)).json()) as { websites: unknown[] };
    expect(list.websites).toEqual([]);
  });
});

describe('a created website and ingest', () => {
  it('accepts events for the new website at once', async () => {
    const t = testApp();
    const admin = addKey(t.db, { scopes: ['admin'] });
    const collect = (websiteId: string) =>
      t.app.request('/collect', {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain',
          'User-Agent':
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
        },
        body: JSON.stringify({
          type: 'pageview',
          websiteId,
          href: 'https://a.com/',
          visitorId: 'v',
          sessionId: 's',
        }),
      });
    expect((await collect('id-1')).status).toBeGreaterThanOrEqual(400);
    const created = (await (
      await t.post('/api/websites', { name: 'A', domain: 'a.com' }, admin)
    ).json()) as WebsiteBody;
    expect(created.id).toBe('id-1');
    expect((await collect('id-1')).status).toBeLessThan(300);
    const stats = (await (await t.get('/stats?websiteId=id-1', admin)).json()) as {
      pageviews: number;
    };
    expect(stats.pageviews).toBe(1);
  });
});
