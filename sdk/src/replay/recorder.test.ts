import type { record as rrwebRecord } from '@rrweb/record';
import { describe, expect, it, vi } from 'vitest';
import type { ReplayChunkPayload } from '../protocol.js';
import { IDLE_MS, createRecorder, type RecorderDeps } from './recorder.js';

type Emit = (e: { type: number; timestamp: number; data: unknown }) => void;

/** rrweb stand-in: the test drives `emit` itself. */
function setup(cap?: string) {
  let emit: Emit = () => {};
  let tick = () => {};
  const stopped = vi.fn();
  const snapshots = vi.fn();
  const record = Object.assign(
    (o: { emit: Emit }) => {
      emit = o.emit;
      return stopped;
    },
    { takeFullSnapshot: snapshots },
  ) as unknown as typeof rrwebRecord;
  const store = new Map<string, string>(cap ? [['sl_rb', cap]] : []);
  const deps: RecorderDeps = {
    record,
    store: { get: (k) => store.get(k) ?? null, set: (k, v) => void store.set(k, v) },
    uuid: () => 'u',
    gzip: false,
    every: (fn) => ((tick = fn), () => {}),
  };
  const chunks: ReplayChunkPayload[] = [];
  const flush = vi.fn();
  const rec = createRecorder(deps);
  rec.start({ maskAllInputs: true, emit: (c) => chunks.push(c), flush, session: () => 's' });
  const types = () =>
    chunks.flatMap((c) => JSON.parse(c.data)).map((e: { type: number }) => e.type);
  return {
    rec,
    emit: (type: number, timestamp: number, source?: number) =>
      emit({ type, timestamp, data: { source } }),
    tick: () => tick(),
    chunks,
    flush,
    stopped,
    snapshots,
    types,
  };
}

const T = Date.now();

describe('recorder', () => {
  it('sends the first chunk (the full snapshot) at once, later ones on the tick', () => {
    const r = setup();
    r.emit(4, T);
    r.emit(2, T);
    r.tick();
    expect(r.flush).toHaveBeenCalledTimes(1);
    r.emit(3, T + 10, 1);
    r.tick();
    expect(r.flush).toHaveBeenCalledTimes(1);
    expect(r.chunks.map((c) => c.seq)).toEqual([0, 1]);
  });

  it('pauses when idle and takes a new full snapshot when activity returns', () => {
    const r = setup();
    r.emit(2, T);
    r.emit(3, T + 1000, 0); // a mutation while someone is there
    r.emit(3, T + IDLE_MS + 2000, 0); // a ticking clock nobody watches
    r.emit(3, T + IDLE_MS + 3000, 0);
    expect(r.snapshots).not.toHaveBeenCalled();
    r.emit(3, T + IDLE_MS + 4000, 2); // a click
    expect(r.snapshots).toHaveBeenCalledWith(true);
    r.emit(3, T + IDLE_MS + 5000, 0);
    r.rec.drain!();
    expect(r.types()).toEqual([2, 3, 3]);
  });

  it('stops at the per-session byte cap', () => {
    const r = setup(`s|${5 * 1024 * 1024 - 10}`);
    r.emit(2, T);
    r.rec.drain!();
    expect(r.chunks).toEqual([]);
    expect(r.stopped).toHaveBeenCalled();
  });

  it('drains what is buffered when stopped', () => {
    const r = setup();
    r.emit(2, T);
    r.rec.stop();
    expect(r.types()).toEqual([2]);
    expect(r.stopped).toHaveBeenCalled();
  });
});
