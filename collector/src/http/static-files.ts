import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ApiError } from './errors.js';

interface Asset {
  raw: Buffer;
  gzip: Buffer;
  hash: string;
  mtimeMs: number;
  size: number;
}

const types: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.cjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export interface StaticFileOptions {
  /** `Cache-Control` of every answer */
  cacheControl: string;
  /** add `Access-Control-Allow-Origin: *` (files other sites load, like the tracker) */
  anyOrigin?: boolean;
}

/**
 * Serves files read, hashed and gzipped once (again only when their mtime or size changes), with
 * an ETag, `304` on `If-None-Match`, and the gzip bytes for clients that accept them. Returns
 * `serve(c, file, name)`; a missing file is a 404 naming `name`.
 */
export function staticFiles(options: StaticFileOptions) {
  const cache = new Map<string, Asset>();

  function load(file: string): Asset | null {
    let st;
    try {
      st = statSync(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const raw = readFileSync(file);
    const asset = {
      raw,
      gzip: gzipSync(raw, { level: 9 }),
      mtimeMs: st.mtimeMs,
      size: st.size,
      hash: createHash('sha1').update(raw).digest('base64url').slice(0, 16),
    };
    cache.set(file, asset);
    return asset;
  }

  return function serve(c: Context, file: string | null, name: string, missing?: string) {
    const asset = file ? load(file) : null;
    if (!asset || !file) throw new ApiError('not_found', missing ?? `${name} not found`);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const etag = `"${asset.hash}${gzip ? '-gz' : ''}"`;
    const headers: Record<string, string> = {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': options.cacheControl,
      ETag: etag,
      Vary: 'Accept-Encoding',
    };
    if (options.anyOrigin) headers['Access-Control-Allow-Origin'] = '*';
    const inm = c.req.header('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
      return c.body(null, 304, headers);
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.raw), 200, headers);
  };
}
