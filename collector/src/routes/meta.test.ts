import { describe, expect, it } from 'vitest';
import { testApp } from '../queries/test-fixtures.js';

describe('GET /health', () => {
  it('answers ok with the version, without auth', async () => {
    const t = testApp();
    const res = await t.get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      db: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('answers 503 when the database is gone', async () => {
    const t = testApp();
    t.database.close();
    const res = await t.get('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'error', db: 'error' });
  });
});

describe('GET /openapi.json and /docs', () => {
  it('documents every read and admin path with the bearer scheme', async () => {
    const t = testApp();
    const res = await t.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const path of [
      '/stats',
      '/sessions',
      '/sessions/{id}',
      '/api/websites',
      '/api/websites/{id}',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/invitations/accept',
      '/api/users',
      '/api/users/{id}',
      '/api/keys',
      '/api/keys/{id}',
      '/api/keys/{id}/regenerate',
      '/health',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/websites']).toHaveProperty(['post']);
    expect(doc.paths['/stats']?.get?.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    expect(doc.paths['/api/websites/{id}']).toHaveProperty(['patch']);
    expect(doc.paths['/api/websites/{id}']).toHaveProperty(['delete']);
    expect(doc.paths['/health']?.get?.security).toBeUndefined();
  });

  it('/docs is the Swagger UI page, served by the collector itself (no CDN, no inline script)', async () => {
    const app = testApp();
    const res = await app.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/);
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs).toEqual([
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/init.js',
    ]);
    for (const src of srcs) {
      const asset = await app.get(src);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(
        /^(text\/css|application\/javascript)/,
      );
    }
    const init = await (await app.get('/docs/assets/init.js')).text();
    expect(init).toContain('SwaggerUIBundle');
    expect(init).toContain('/openapi.json');
    expect((await app.get('/docs/assets/package.json')).status).toBe(404);
    expect((await app.get('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

describe('GET /', () => {
  it('points at the docs when there is no demo', async () => {
    const res = await testApp().get('/');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ docs: '/docs' });
  });
});
