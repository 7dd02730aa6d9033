import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';

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
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * `GET /script.js`, `GET /recorder.js` (from `assetsDir`) and `GET /sdk/*` (from `assetsDir/npm`).
 * Files are read, hashed and gzipped once, and again only when their mtime or size changes.
 */
export function registerAssetRoutes(app: OpenAPIHono, ctx: AppContext): void {
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

  function serve(c: Context, file: string | null, name: string) {
    const asset = file ? load(file) : null;
    if (!asset || !file)
      throw new ApiError('not_found', `${name} is not built (run the sdk build)`);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const etag = `"${asset.hash}${gzip ? '-gz' : ''}"`;
    const headers: Record<string, string> = {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'public, max-age=3600',
      ETag: etag,
      Vary: 'Accept-Encoding',
      'Access-Control-Allow-Origin': '*',
    };
    const inm = c.req.header('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
      return c.body(null, 304, headers);
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.raw), 200, headers);
  }

  const dir = ctx.assetsDir ? resolve(ctx.assetsDir) : null;
  app.get('/script.js', (c) => serve(c, dir && resolve(dir, 'script.js'), 'script.js'));
  app.get('/recorder.js', (c) => serve(c, dir && resolve(dir, 'recorder.js'), 'recorder.js'));
  app.get('/sdk/*', (c) => {
    const npm = dir && resolve(dir, 'npm');
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path.slice('/sdk/'.length));
    } catch {
      throw new ApiError('bad_request', 'malformed path');
    }
    const file = npm && resolve(npm, rel);
    // Never serve outside assetsDir/npm (`..`, absolute paths).
    const inside = file && npm && file.startsWith(npm + sep);
    return serve(c, inside ? file : null, `sdk/${rel}`);
  });
}
