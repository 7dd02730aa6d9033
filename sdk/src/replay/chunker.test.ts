import { describe, expect, it } from 'vitest';
import type { ReplayChunkPayload } from '../protocol.js';
import { createChunker } from './chunker.js';

const ev = (i: number) => JSON.stringify({ type: 3, timestamp: 1e12 + i, data: { source: 1 } });

function setup(gzip = true, flushChars?: number) {
  const out: ReplayChunkPayload[] = [];
  let n = 0;
  const c = createChunker({ emit: (x) => out.push(x), uuid: () => `id-${n++}`, gzip, flushChars });
  const push = (from: number, to: number) => {
    for (let i = from; i < to; i++) c.push(ev(i), 1e12 + i);
  };
  const stamps = () =>
    out
      .flatMap((x) => (x.encoding === 'json' ? JSON.parse(x.data) : []))
      .map((e) => e.timestamp - 1e12);
  return { c, out, push, stamps };
}

describe('chunker', () => {
  it('compresses the buffer into one gzip chunk per flush, with fresh ids and rising seq', async () => {
    const { c, out, push } = setup();
    push(0, 10);
    await c.flush();
    push(10, 12);
    await c.flush();
    await c.flush(); // nothing buffered: nothing sent
    expect(out.map((x) => [x.id, x.seq, x.encoding, x.count])).toEqual([
      ['id-0', 0, 'gzip+base64', 10],
      ['id-1', 1, 'gzip+base64', 2],
    ]);
  });

  it('drains synchronously as json, including what is still being compressed, in order', async () => {
    const { c, out, push, stamps } = setup();
    push(0, 5);
    const compressing = c.flush();
    push(5, 8);
    c.drain(); // page hide: no time for the compression to finish
    expect(out.map((x) => x.encoding)).toEqual(['json']);
    expect(stamps()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await compressing; // its result is dropped: those events were already sent
    expect(out).toHaveLength(1);
    push(8, 9);
    await c.flush();
    expect(out.map((x) => x.seq)).toEqual([0, 1]);
  });

  it('compresses early when the buffer passes its size', async () => {
    const { out, push } = setup(true, ev(0).length * 4);
    push(0, 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(out.map((x) => x.count)).toEqual([4]);
  });

  it('sends json chunks without CompressionStream', async () => {
    const { c, out, push, stamps } = setup(false);
    push(0, 3);
    await c.flush();
    expect(out.map((x) => x.encoding)).toEqual(['json']);
    expect(stamps()).toEqual([0, 1, 2]);
  });

  it('forgets the buffer on clear', async () => {
    const { c, out, push } = setup();
    push(0, 3);
    const p = c.flush();
    c.clear();
    await p;
    c.drain();
    expect(out).toEqual([]);
  });
});
