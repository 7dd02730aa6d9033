import type { ReplayChunkPayload } from '../protocol.js';
import { encodeGzip, encodeJson, type Encoded, type Part } from './encode.js';

/** Encode early once this many characters of events wait (≈ 40 KB raw, a few KB gzipped). */
export const FLUSH_CHARS = 40_000;

export interface ChunkerOptions {
  /** receives each chunk, in order, with its id and sequence number */
  emit(chunk: ReplayChunkPayload): void;
  uuid(): string;
  /** compress with CompressionStream; otherwise every chunk is `json` */
  gzip: boolean;
  flushChars?: number;
}

/**
 * Buffers serialized rrweb events and turns them into chunks: `flush()` compresses the buffer
 * asynchronously (one compression at a time), `drain()` emits everything still buffered or being
 * compressed at once as `json` (page hide). Sequence numbers follow event order either way.
 */
export function createChunker(o: ChunkerOptions) {
  const flushChars = o.flushChars ?? FLUSH_CHARS;
  let parts: Part[] = [];
  let chars = 0;
  let seq = 0;
  /** events being compressed; drain() takes them back and bumps `round` to void the result */
  let pending: Part[] | undefined;
  let round = 0;

  const out = (chunks: Encoded[]) => {
    for (const c of chunks) o.emit({ id: o.uuid(), seq: seq++, ...c });
  };
  const take = () => {
    const p = parts;
    parts = [];
    chars = 0;
    return p;
  };

  const flush = (): Promise<void> => {
    if (!parts.length || pending) return Promise.resolve();
    if (!o.gzip) return Promise.resolve(out(encodeJson(take())));
    const mine = (pending = take());
    const r = round;
    return encodeGzip(mine)
      .catch(() => encodeJson(mine))
      .then((chunks) => {
        if (r !== round) return;
        pending = undefined;
        out(chunks);
        if (chars >= flushChars) return flush();
      });
  };

  return {
    /** adds one serialized event; compresses early when the buffer is large */
    push(json: string, ts: number) {
      parts.push({ json, ts });
      chars += json.length;
      if (chars >= flushChars) void flush();
    },
    flush,
    drain() {
      const all = pending ? [...pending, ...take()] : take();
      pending = undefined;
      round++;
      if (all.length) out(encodeJson(all));
    },
    /** forgets everything buffered (recording stopped at the byte cap) */
    clear() {
      take();
      pending = undefined;
      round++;
    },
  };
}

export type Chunker = ReturnType<typeof createChunker>;
