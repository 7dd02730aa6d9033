import type { ReplayChunkPayload } from '../protocol.js';

/**
 * Largest `data` of one chunk, in bytes. sendBeacon and keepalive fetch carry 64 KB, and the
 * batch around the chunk adds its metadata and the chunk's other fields.
 */
export const MAX_DATA_BYTES = 56_000;

/** One rrweb event, serialized once when it is recorded. */
export interface Part {
  json: string;
  ts: number;
}

/** A chunk before it gets its id and sequence number. */
export type Encoded = Omit<ReplayChunkPayload, 'id' | 'seq'>;

/** UTF-8 byte length of a string without encoding it (a lone surrogate counts 3, as TextEncoder). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

export function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** True where the browser can gzip natively (CompressionStream). */
export const canGzip = (): boolean => typeof CompressionStream === 'function';

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const arrayText = (parts: readonly Part[]) => '[' + parts.map((p) => p.json).join(',') + ']';

function fields(parts: readonly Part[], text: string) {
  let startTs = Infinity;
  let endTs = -Infinity;
  for (const p of parts) {
    startTs = Math.min(startTs, p.ts);
    endTs = Math.max(endTs, p.ts);
  }
  return { count: parts.length, startTs, endTs, rawBytes: utf8Length(text) };
}

/**
 * Synchronous `json` chunks (page hide leaves no time to compress). Events are grouped so that
 * each chunk's `data`, once escaped as a JSON string inside the batch, stays under `max` bytes;
 * a single event larger than that travels alone.
 */
export function encodeJson(parts: readonly Part[], max = MAX_DATA_BYTES): Encoded[] {
  const out: Encoded[] = [];
  let group: Part[] = [];
  let size = 2;
  const close = () => {
    if (!group.length) return;
    const text = arrayText(group);
    out.push({ encoding: 'json', data: text, ...fields(group, text) });
    group = [];
    size = 2;
  };
  for (const p of parts) {
    // quotes and backslashes double when the array text is embedded as a JSON string
    const escaped = utf8Length(JSON.stringify(p.json)) - 1;
    if (group.length && size + escaped > max) close();
    group.push(p);
    size += escaped;
  }
  close();
  return out;
}

/**
 * One `gzip+base64` chunk for the parts, halved until each chunk's base64 is under `max` bytes
 * (a single event larger than that travels alone).
 */
export async function encodeGzip(parts: readonly Part[], max = MAX_DATA_BYTES): Promise<Encoded[]> {
  const text = arrayText(parts);
  const data = base64(await gzip(text));
  if (data.length > max && parts.length > 1) {
    const half = parts.length >> 1;
    const [a, b] = await Promise.all([
      encodeGzip(parts.slice(0, half), max),
      encodeGzip(parts.slice(half), max),
    ]);
    return [...a, ...b];
  }
  return [{ encoding: 'gzip+base64', data, ...fields(parts, text) }];
}
