/**
 * Static files of the viewer, served at `/replay-assets/<name>`: rrweb-player's UMD bundle and CSS
 * (from the installed package) and the viewer's own script and style. Read, hashed and gzipped
 * once per process; URLs carry the hash, so responses are cached for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface ViewerAsset {
  body: Buffer;
  gzip: Buffer;
  hash: string;
  type: string;
}

const JS = 'application/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

function playerDist(): string {
  // the package's "require" entry is dist/rrweb-player.cjs; the UMD bundle sits beside it
  return dirname(createRequire(import.meta.url).resolve('rrweb-player'));
}

const here = dirname(fileURLToPath(import.meta.url));

const sources: Record<string, { path: () => string; type: string }> = {
  'player.js': { path: () => join(playerDist(), 'rrweb-player.umd.min.cjs'), type: JS },
  'player.css': { path: () => join(playerDist(), 'style.min.css'), type: CSS },
  'viewer.js': { path: () => join(here, 'viewer.js'), type: JS },
  'viewer.css': { path: () => join(here, 'viewer.css'), type: CSS },
};

export const viewerAssetNames = Object.keys(sources);

/** Loads every viewer asset (call once, at route registration). Throws when a file is missing. */
export function loadViewerAssets(): Map<string, ViewerAsset> {
  const out = new Map<string, ViewerAsset>();
  for (const [name, src] of Object.entries(sources)) {
    const body = readFileSync(src.path());
    out.set(name, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      hash: createHash('sha256').update(body).digest('base64url').slice(0, 12),
      type: src.type,
    });
  }
  return out;
}
