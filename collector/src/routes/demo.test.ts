import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addWebsite, T0, testApp } from '../queries/test-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'sightline-demo-'));
const demoDir = join(root, 'examples');
mkdirSync(join(demoDir, 'site', 'about'), { recursive: true });
mkdirSync(join(demoDir, 'spa'), { recursive: true });
writeFileSync(
  join(demoDir, 'site', 'index.html'),
  '<script data-website-id="{{WEBSITE_ID}}"></script>{{WEBSITE_ID}}',
);
writeFileSync(join(demoDir, 'site', 'about', 'index.html'), '<h1>about {{WEBSITE_ID}}</h1>');
writeFileSync(join(demoDir, 'site', 'app.js'), 'console.log("{{WEBSITE_ID}}")');
writeFileSync(
  join(demoDir, 'spa', 'index.html'),
  '<div id="app" data-site="{{WEBSITE_ID}}"></div>',
);
writeFileSync(join(root, 'secret.txt'), 'top secret');
symlinkSync(join(root, 'secret.txt'), join(demoDir, 'site', 'link.txt'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function demoApp() {
  const t = testApp({ demoDir });
  addWebsite(t.db, 'newer', T0);
  addWebsite(t.db, 'oldest', T0 - 1000);
  return t;
}

describe('/demo/', () => {
  it('serves the site with the default (oldest) website id in .html files only', async () => {
    const t = demoApp();
    const res = await t.get('/demo/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe('<script data-website-id="oldest"></script>oldest');
    expect(await (await t.get('/demo/about/')).text()).toBe('<h1>about oldest</h1>');
    const js = await t.get('/demo/app.js');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toBe('console.log("{{WEBSITE_ID}}")');
  });

  it('redirects / and folder paths to their trailing-slash form', async () => {
    const t = demoApp();
    expect((await t.get('/')).headers.get('location')).toBe('/demo/');
    expect((await t.get('/demo')).headers.get('location')).toBe('/demo/');
    expect((await t.get('/demo/spa')).headers.get('location')).toBe('/demo/spa/');
  });

  it('serves the SPA, falling back to its index.html for client routes', async () => {
    const t = demoApp();
    expect(await (await t.get('/demo/spa/')).text()).toBe(
      '<div id="app" data-site="oldest"></div>',
    );
    const route = await t.get('/demo/spa/products/42');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('data-site="oldest"');
    expect((await t.get('/demo/spa/missing.js')).status).toBe(404);
  });

  it('refuses paths that leave the folder, encoded or through a symlink', async () => {
    const t = demoApp();
    for (const path of [
      '/demo/..%2f..%2fsecret.txt',
      '/demo/%2e%2e/%2e%2e/secret.txt',
      '/demo/..%5c..%5csecret.txt',
      '/demo/spa/..%2f..%2fsecret.txt',
      '/demo/link.txt',
      '/demo/%00',
      '/demo/%E0%A4%A',
      '/demo/nope.html',
    ]) {
      const res = await t.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('top secret');
    }
  });

  it('is absent without a demo folder', async () => {
    expect((await testApp().get('/demo/')).status).toBe(404);
  });
});
