import { describe, expect, it } from 'vitest';
import { ingestApp, seedBatch, seedCollect } from './ingest-fixtures.js';

async function error(res: Response) {
  return {
    status: res.status,
    body: (await res.json()) as { error: { code: string; message: string } },
  };
}

describe('ingest errors', () => {
  it('400 invalid_json for malformed or empty bodies', async () => {
    const f = ingestApp();
    const bad = await error(await f.post('/collect', '{"type":"pageview",'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
    expect(bad.body.error.message).toMatch(/^body is not valid JSON: /);
    expect(await error(await f.post('/api/events', ''))).toEqual({
      status: 400,
      body: { error: { code: 'invalid_json', message: 'body is empty; expected a JSON object' } },
    });
  });

  it('400 invalid_fields naming the path', async () => {
    const f = ingestApp();
    const analytics = [0, 1, 2]
      .map(() => seedBatch.analytics[0]!)
      .concat([{ ...seedBatch.analytics[0]!, x: 'left' as unknown as number }]);
    const r = await error(await f.post('/api/events', { ...seedBatch, analytics }));
    expect(r).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_fields',
          message: 'analytics.3.x: Invalid input: expected number, received string',
        },
      },
    });
    const custom = await error(await f.post('/collect', { ...seedCollect, type: 'custom' }));
    expect(custom.body.error.message).toBe(
      'name: Invalid input: expected string, received undefined',
    );
    const type = await error(await f.post('/collect', { ...seedCollect, type: 'hover' }));
    expect(type.body.error.message).toMatch(/^type: Invalid discriminator value/);
    const href = await error(await f.post('/collect', { ...seedCollect, href: '/relative' }));
    expect(href).toEqual({
      status: 400,
      body: { error: { code: 'invalid_fields', message: 'href: not an absolute URL' } },
    });
    const notObject = await error(await f.post('/collect', '[1,2]'));
    expect(notObject.body.error.code).toBe('invalid_fields');
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('400 for strings over the limit and props over the limit', async () => {
    const f = ingestApp({ limits: { stringLength: 100, propsBytes: 64 } });
    const long = await error(
      await f.post('/collect', { ...seedCollect, href: `https://example.com/${'a'.repeat(100)}` }),
    );
    expect(long).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_fields',
          message: 'href: Too big: expected string to have <=100 characters',
        },
      },
    });
    const props = await error(
      await f.post('/collect', {
        ...seedCollect,
        type: 'custom',
        name: 'x',
        props: { blob: 'b'.repeat(80) },
      }),
    );
    expect(props).toEqual({
      status: 400,
      body: { error: { code: 'invalid_fields', message: 'props: larger than 64 bytes' } },
    });
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('413 when Content-Length or the bytes read exceed the limit', async () => {
    const f = ingestApp({ limits: { collectBodyBytes: 400 } });
    const body = JSON.stringify({ ...seedCollect, title: 'x'.repeat(300) });
    const declared = await error(
      await f.post('/collect', body, { 'content-length': String(body.length) }),
    );
    expect(declared).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'body is larger than 400 bytes' } },
    });
    // A streamed body has no Content-Length: the bytes are counted as they arrive.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(body));
        c.close();
      },
    });
    const streamed = await f.app.request('/collect', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'content-type': 'text/plain' },
    } as RequestInit);
    expect(await error(streamed)).toEqual(declared);
    // Multi-byte characters count as bytes, not characters.
    const wide = JSON.stringify({ ...seedCollect, title: '€'.repeat(100) });
    expect(wide.length).toBeLessThan(400);
    expect((await f.post('/collect', wide)).status).toBe(413);
  });

  it('413 for more than 1000 events in a batch', async () => {
    const f = ingestApp();
    const analytics = Array.from({ length: 1001 }, () => seedBatch.analytics[0]);
    const r = await error(await f.post('/api/events', { ...seedBatch, analytics }));
    expect(r).toEqual({
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: 'analytics has 1001 events; at most 1000 per batch',
        },
      },
    });
  });

  it('415 for other content types', async () => {
    const f = ingestApp();
    const r = await error(
      await f.post('/collect', seedCollect, {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    );
    expect(r).toEqual({
      status: 415,
      body: {
        error: {
          code: 'unsupported_media_type',
          message:
            'content type application/x-www-form-urlencoded is not accepted; send application/json or text/plain',
        },
      },
    });
  });

  it('500 internal for every request of a flush whose transaction fails, nothing half-written', async () => {
    const f = ingestApp();
    f.database.sqlite.exec(
      `CREATE TRIGGER fail_boom BEFORE INSERT ON events WHEN NEW.path = '/boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`,
    );
    const [ok, boom] = await Promise.all([
      f.post('/collect', { ...seedCollect, eventId: 'a' }),
      f.post('/collect', { ...seedCollect, eventId: 'b', href: 'https://example.com/boom' }),
    ]);
    expect([ok.status, boom.status]).toEqual([500, 500]);
    expect(await boom.json()).toEqual({
      error: { code: 'internal', message: 'internal server error' },
    });
    expect(
      f.all('SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sessions) AS s'),
    ).toEqual([{ e: 0, s: 0 }]);
  });
});
