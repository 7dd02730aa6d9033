import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestApp } from './ingest-fixtures.js';

const script = `(function(){var s=document.currentScript;${'/* tracker */'.repeat(50)}})();`;

const extras = `!function(){(window.__sightlineBundles||={}).extras=()=>{}${';'.repeat(300)}}();`;

function assetsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'sl-assets-'));
  writeFileSync(join(dir, 'script.js'), script);
  writeFileSync(join(dir, 'extras.js'), extras);
  mkdirSync(join(dir, 'npm'));
  writeFileSync(join(dir, 'npm', 'index.js'), 'export const init = () => {};');
  writeFileSync(join(dir, 'npm', 'index.js.map'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'no');
  return dir;
}

describe('tracker assets', () => {
  it('serves script.js gzipped with an ETag, cacheable, and answers 304 to a matching If-None-Match', async () => {
    const f = ingestApp({ assetsDir: assetsDir() });
    const res = await f.app.request('/script.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(script.length);
    expect(gunzipSync(body).toString()).toBe(script);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+-gz"$/);
    const again = await f.app.request('/script.js', {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);

    const plain = await f.app.request('/script.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(script);
    expect(plain.headers.get('etag')).not.toBe(etag);
  });

  it('serves extras.js like script.js: gzipped, cacheable, any origin', async () => {
    const f = ingestApp({ assetsDir: assetsDir() });
    const res = await f.app.request('/extras.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('etag')).toMatch(/^".+-gz"$/);
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(extras);
    const none = ingestApp();
    expect(await (await none.app.request('/extras.js')).json()).toEqual({
      error: { code: 'not_found', message: 'extras.js is not built (run the sdk build)' },
    });
  });

  it('answers 404 JSON when a bundle is not built', async () => {
    const f = ingestApp({ assetsDir: assetsDir() });
    const res = await f.app.request('/recorder.js');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'recorder.js is not built (run the sdk build)' },
    });
    const none = ingestApp();
    expect((await none.app.request('/script.js')).status).toBe(404);
  });

  it('serves the ESM build under /sdk/ and nothing outside it', async () => {
    const f = ingestApp({ assetsDir: assetsDir() });
    const res = await f.app.request('/sdk/index.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe('export const init = () => {};');
    expect((await f.app.request('/sdk/index.js.map')).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
    expect((await f.app.request('/sdk/..%2Fsecret.txt')).status).toBe(404);
    expect((await f.app.request('/sdk/%2e%2e/secret.txt')).status).toBe(404);
  });
});
