import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_DATA_BYTES, base64, encodeGzip, encodeJson, utf8Length, type Part } from './encode.js';

const part = (i: number, pad = 0): Part => ({
  json: JSON.stringify({ type: 3, timestamp: 1_700_000_000_000 + i, data: { s: 'x'.repeat(pad) } }),
  ts: 1_700_000_000_000 + i,
});
const parts = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => part(i, pad));
/** the chunk as the batch carries it: its `data` escaped inside the JSON body */
const bodyBytes = (data: string) => Buffer.byteLength(JSON.stringify(data));

describe('utf8Length', () => {
  it('counts bytes as TextEncoder does', () => {
    for (const s of ['', 'abc', 'é', '€uro', '😀 emoji', 'a\ud800b', '"\\\n'])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe('base64', () => {
  it('matches Buffer, also past the 32 KB slice', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) & 255);
    expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});

describe('encodeJson', () => {
  it('keeps events, order, counts, time range and raw bytes', () => {
    const ps = [
      ...parts(3),
      { json: '{"type":3,"timestamp":1700000000009,"t":"ünï"}', ts: 1_700_000_000_009 },
    ];
    const [c, ...rest] = encodeJson(ps);
    expect(rest).toEqual([]);
    expect(c!.encoding).toBe('json');
    expect(JSON.parse(c!.data)).toEqual(ps.map((p) => JSON.parse(p.json)));
    expect(c).toMatchObject({ count: 4, startTs: 1_700_000_000_000, endTs: 1_700_000_000_009 });
    expect(c!.rawBytes).toBe(Buffer.byteLength(c!.data));
  });

  it('splits so that every escaped chunk stays under the limit', () => {
    // quotes double when escaped: the limit must hold for the body, not the raw text
    const ps = parts(400, 500);
    const chunks = encodeJson(ps);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(bodyBytes(c.data)).toBeLessThanOrEqual(MAX_DATA_BYTES);
    expect(chunks.flatMap((c) => JSON.parse(c.data))).toEqual(ps.map((p) => JSON.parse(p.json)));
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(400);
  });

  it('sends an event bigger than the limit alone', () => {
    const ps = [part(0), part(1, 70_000), part(2)];
    expect(encodeJson(ps).map((c) => c.count)).toEqual([1, 1, 1]);
  });
});

describe('encodeGzip', () => {
  it('is gzip of the JSON array, base64', async () => {
    const ps = parts(50, 20);
    const [c, ...rest] = await encodeGzip(ps);
    expect(rest).toEqual([]);
    expect(c!.encoding).toBe('gzip+base64');
    const text = gunzipSync(Buffer.from(c!.data, 'base64')).toString('utf8');
    expect(JSON.parse(text)).toEqual(ps.map((p) => JSON.parse(p.json)));
    expect(c!.rawBytes).toBe(Buffer.byteLength(text));
    expect(c).toMatchObject({ count: 50, startTs: 1_700_000_000_000, endTs: 1_700_000_000_049 });
  });

  it('halves a buffer whose compressed data is over the limit', async () => {
    // random text barely compresses
    const noise = (i: number): Part => ({
      json: JSON.stringify({
        type: 3,
        timestamp: 1e12 + i,
        r: base64(crypto.getRandomValues(new Uint8Array(3000))),
      }),
      ts: 1e12 + i,
    });
    const ps = Array.from({ length: 40 }, (_, i) => noise(i));
    const chunks = await encodeGzip(ps, 20_000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual(20_000);
    const back = chunks.flatMap((c) =>
      JSON.parse(gunzipSync(Buffer.from(c.data, 'base64')).toString()),
    );
    expect(back.map((e: { timestamp: number }) => e.timestamp)).toEqual(ps.map((p) => p.ts));
  });
});
