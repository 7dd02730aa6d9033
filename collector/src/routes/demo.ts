/**
 * The example pages: `/demo/` serves `{demoDir}/site/`, `/demo/spa/` serves `{demoDir}/spa/`
 * (unknown extension-less paths fall back to the SPA's index.html so client routes reload).
 * `{{WEBSITE_ID}}` in .html files becomes the default website's id. `GET /` points newcomers here.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { StatsReader } from '../queries/reader.js';

const PLACEHOLDER = /\{\{WEBSITE_ID\}\}/g;

/** The file under `root` that `urlPath` names, or null if it escapes `root` or does not exist. */
export async function resolveStatic(root: string, urlPath: string): Promise<string | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.split(/[\\/]/).includes('..')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const base = resolve(root);
  const candidate = resolve(base, '.' + sep + rel);
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  try {
    // realpath: a symlink inside the folder must not lead outside it either
    const [real, realBase] = await Promise.all([realpath(candidate), realpath(base)]);
    if (!real.startsWith(realBase + sep)) return null;
    const info = await stat(real);
    if (info.isDirectory()) return resolveStatic(root, rel.replace(/\/?$/, '/'));
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}

const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

async function sendFile(c: Context, file: string, websiteId: string): Promise<Response> {
  const mime = getMimeType(file) ?? 'application/octet-stream';
  c.header('Cache-Control', 'no-cache');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Content-Type', mime);
  if (extname(file) === '.html') {
    // the demo pages carry the inline queue stub of the snippet, as real sites do
    c.header('Content-Security-Policy', DEMO_CSP);
    const html = (await readFile(file, 'utf8')).replace(PLACEHOLDER, websiteId);
    return c.body(html, 200);
  }
  return c.body(new Uint8Array(await readFile(file)), 200);
}

export function registerDemoRoutes(app: OpenAPIHono, ctx: AppContext, reader: StatsReader): void {
  const demoDir = ctx.demoDir;
  app.get('/', (c) =>
    demoDir
      ? c.redirect('/demo/', 302)
      : c.json({
          name: 'Sightline collector',
          docs: '/docs',
          openapi: '/openapi.json',
          health: '/health',
        }),
  );
  if (!demoDir) return;

  const serve = (folder: string, prefix: string, spaFallback: boolean) => async (c: Context) => {
    const rest = c.req.path.slice(prefix.length);
    let file = await resolveStatic(join(demoDir, folder), rest);
    if (!file && spaFallback && !extname(rest) && !rest.split('/').includes('..')) {
      file = await resolveStatic(join(demoDir, folder), 'index.html');
    }
    if (!file) throw new ApiError('not_found', `no demo file ${c.req.path}`);
    const website = reader.defaultWebsite();
    return sendFile(c, file, website?.id ?? '');
  };

  app.get('/demo', (c) => c.redirect('/demo/', 301));
  app.get('/demo/spa', (c) => c.redirect('/demo/spa/', 301));
  app.get('/demo/spa/*', serve('spa', '/demo/spa/', true));
  app.get('/demo/*', serve('site', '/demo/', false));
}
