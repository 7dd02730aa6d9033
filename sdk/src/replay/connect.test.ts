import { describe, expect, it, vi } from 'vitest';
import { loadFromSource, replayChunk, setVisibility, startTracker } from '../../test/fakes.js';
import type { Load } from '../trackers/core.js';
import { connect } from './connect.js';
import type { RecorderOptions, RrwebRecorder } from './recorder.js';

const chunk = replayChunk();

/** A tracker whose recorder is `connect` over an rrweb stand-in (the extras from source). */
async function recording(options = {}) {
  const rrweb = {
    start: vi.fn<(o: RecorderOptions) => void>(),
    drain: vi.fn(),
    stop: vi.fn(),
  } satisfies RrwebRecorder;
  const recorder = connect(rrweb);
  const load = ((name: string) =>
    name == 'recorder' ? Promise.resolve(recorder) : loadFromSource(name as 'extras')) as Load;
  const s = startTracker({ replay: 'on', ...options }, { load });
  await s.env.settle();
  return { ...s, rrweb, opts: rrweb.start.mock.calls[0]![0] };
}

describe('recorder seam (connect)', () => {
  it('starts rrweb with options from the config and the core', async () => {
    const { rrweb, opts, env } = await recording({ maskAllInputs: false, flushInterval: 2000 });
    expect(rrweb.start).toHaveBeenCalledOnce();
    expect(opts).toMatchObject({ maskAllInputs: false, flushInterval: 2000 });
    expect(opts.session()).toBe(env.collects()[0]?.sessionId);
    expect(opts.session()).toMatch(/^[0-9a-f-]{36}$/);
    opts.emit(chunk);
    opts.flush();
    await env.settle();
    expect(env.batches().at(-1)?.replayChunks).toEqual([chunk]);
  });

  it('gives rrweb an empty session id in cookieless mode', async () => {
    const { opts } = await recording({ cookieless: true });
    expect(opts.session()).toBe('');
  });

  it('drains on page hide into a beacon, with listeners added once however often it starts', async () => {
    const { rrweb, opts, env, w, t } = await recording();
    t.stopReplay();
    expect(rrweb.stop).toHaveBeenCalled();
    t.startReplay();
    await env.settle();
    expect(rrweb.start).toHaveBeenCalledTimes(2);
    rrweb.drain.mockImplementation(() => opts.emit(chunk));
    setVisibility(w, 'hidden');
    await env.settle();
    expect(rrweb.drain).toHaveBeenCalledOnce();
    const beacons = env.posts.filter((p) => p.beacon).map((p) => JSON.parse(p.body));
    expect(beacons).toContainEqual(expect.objectContaining({ replayChunks: [chunk] }));
    // after the extras' own hide beacon (the pageview's scroll span), one more for the last chunk
    expect(beacons.map((b) => (b.replayChunks ? 'chunk' : b.analytics[0]?.type))).toEqual([
      'scroll',
      'chunk',
    ]);
  });
});
