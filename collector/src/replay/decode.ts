/**
 * Decoding and validation of replay payloads (the `replayChunks` and legacy `replay` fields of
 * `POST /api/events`). Pure and synchronous: the ingest route calls it before queueing the write,
 * so a bad chunk answers 400/413 and nothing of the request is stored.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Limits } from '../context.js';
import { ApiError } from '../http/errors.js';

/** A decoded, validated chunk, ready for {@link ReplayWriter.store}. */
export interface PreparedChunk {
  /** client chunk id (UUID), or `legacy-<sha256>` for a raw `replay` array */
  id: string;
  seq: number;
  /** first and last event timestamp, ms (taken from the events themselves) */
  startTs: number;
  endTs: number;
  eventCount: number;
  /** byte length of the uncompressed JSON array */
  rawBytes: number;
  /** gzip of the JSON array, as sent by the client when it was already gzip */
  data: Buffer;
  storedBytes: number;
}

/** What a batch carries; both fields optional. */
export interface ReplayInput {
  replay?: readonly unknown[] | null | undefined;
  replayChunks?: readonly unknown[] | null | undefined;
}

/** The subset of {@link Limits} decoding needs. */
export type DecodeLimits = Pick<Limits, 'replayChunkRawBytes'>;

const MAX_CHUNKS_PER_BATCH = 200;
/** 2000-01-01 .. 2100-01-01: anything else is not an rrweb timestamp */
const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;

const ts = z.number().int().min(MIN_TS).max(MAX_TS);
const ChunkSchema = z
  .object({
    id: z
      .string()
      .min(8)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
    seq: z.number().int().min(0).max(1_000_000_000),
    encoding: z.enum(['gzip+base64', 'json']),
    data: z.string().min(2),
    count: z.number().int().min(1).max(1_000_000),
    startTs: ts,
    endTs: ts,
    rawBytes: z.number().int().min(2),
  })
  .refine((c) => c.startTs <= c.endTs, 'startTs is after endTs');

function invalid(where: string, why: string): ApiError {
  return new ApiError('invalid_fields', `${where}: ${why}`);
}

function gzip(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 6 });
}

/** Inflates at most `max` bytes; a bigger output (a zip bomb, or just too much) answers 413. */
function boundedGunzip(data: Buffer, max: number, where: string): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: max });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ApiError('payload_too_large', `${where}: inflates to more than ${max} bytes`);
    }
    throw invalid(where, 'data is not valid gzip');
  }
}

interface Summary {
  count: number;
  startTs: number;
  endTs: number;
}

/** Checks that `text` is a JSON array of rrweb-like events (objects with a numeric timestamp). */
function summarize(text: string, where: string): Summary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(where, 'events are not valid JSON');
  }
  if (!Array.isArray(parsed)) throw invalid(where, 'events are not a JSON array');
  return summarizeEvents(parsed, where);
}

function summarizeEvents(events: readonly unknown[], where: string): Summary {
  if (events.length === 0) throw invalid(where, 'no events');
  let startTs = Infinity;
  let endTs = -Infinity;
  events.forEach((e, i) => {
    const t =
      typeof e === 'object' && e !== null ? (e as { timestamp?: unknown }).timestamp : undefined;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < MIN_TS || t > MAX_TS) {
      throw invalid(where, `event ${i} has no valid timestamp`);
    }
    if (typeof (e as { type?: unknown }).type !== 'number')
      throw invalid(where, `event ${i} has no numeric type`);
    if (t < startTs) startTs = t;
    if (t > endTs) endTs = t;
  });
  return { count: events.length, startTs: Math.floor(startTs), endTs: Math.floor(endTs) };
}

function decodeBase64(data: string, where: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(data) || data.length % 4 === 1) {
    throw invalid(where, 'data is not valid base64');
  }
  return Buffer.from(data, 'base64');
}

function prepareChunk(raw: unknown, index: number, limits: DecodeLimits): PreparedChunk {
  const parsed = ChunkSchema.safeParse(raw);
  let where = `replayChunks[${index}]`;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
    throw invalid(`${where}${path}`, issue?.message ?? 'invalid chunk');
  }
  const c = parsed.data;
  where = `${where} (id ${c.id})`;
  if (c.rawBytes > limits.replayChunkRawBytes) {
    throw new ApiError(
      'payload_too_large',
      `${where}: rawBytes ${c.rawBytes} is over the ${limits.replayChunkRawBytes}-byte chunk limit`,
    );
  }
  let data: Buffer;
  let text: string;
  if (c.encoding === 'gzip+base64') {
    data = decodeBase64(c.data, where);
    text = boundedGunzip(data, limits.replayChunkRawBytes, where).toString('utf8');
  } else {
    text = c.data;
    if (Buffer.byteLength(text, 'utf8') > limits.replayChunkRawBytes) {
      throw new ApiError(
        'payload_too_large',
        `${where}: over the ${limits.replayChunkRawBytes}-byte chunk limit`,
      );
    }
    data = gzip(text);
  }
  const s = summarize(text, where);
  return {
    id: c.id,
    seq: c.seq,
    startTs: s.startTs,
    endTs: s.endTs,
    eventCount: s.count,
    rawBytes: Buffer.byteLength(text, 'utf8'),
    data,
    storedBytes: data.length,
  };
}

/** A raw rrweb array (the original `replay` field) as one chunk whose id is the hash of its JSON. */
function prepareLegacy(events: readonly unknown[], limits: DecodeLimits): PreparedChunk {
  const where = 'replay';
  const s = summarizeEvents(events, where);
  const text = JSON.stringify(events);
  const rawBytes = Buffer.byteLength(text, 'utf8');
  if (rawBytes > limits.replayChunkRawBytes) {
    throw new ApiError(
      'payload_too_large',
      `${where}: over the ${limits.replayChunkRawBytes}-byte chunk limit`,
    );
  }
  const data = gzip(text);
  const id = `legacy-${createHash('sha256').update(text).digest('hex').slice(0, 48)}`;
  return {
    id,
    seq: 0,
    startTs: s.startTs,
    endTs: s.endTs,
    eventCount: s.count,
    rawBytes,
    data,
    storedBytes: data.length,
  };
}

/**
 * Decodes a batch's replay data into chunks ready to store. Throws `ApiError` 400
 * `invalid_fields` (which chunk and why) or 413 `payload_too_large` (inflates past the limit).
 * Chunks repeated inside one batch are kept once.
 */
export function prepareReplayChunks(input: ReplayInput, limits: DecodeLimits): PreparedChunk[] {
  const out: PreparedChunk[] = [];
  const chunks = input.replayChunks ?? [];
  if (chunks.length > MAX_CHUNKS_PER_BATCH) {
    throw invalid('replayChunks', `at most ${MAX_CHUNKS_PER_BATCH} chunks per batch`);
  }
  chunks.forEach((c, i) => out.push(prepareChunk(c, i, limits)));
  if (input.replay && input.replay.length > 0) out.push(prepareLegacy(input.replay, limits));
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = `${c.startTs}\n${c.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
