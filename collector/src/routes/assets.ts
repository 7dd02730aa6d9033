import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { resolve, sep } from 'node:path';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { staticFiles } from '../http/static-files.js';

/**
 * `GET /script.js`, `GET /extras.js`, `GET /recorder.js` (from `assetsDir`) and `GET /sdk/*`
 * (from `assetsDir/npm`).
 */
export function registerAssetRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const files = staticFiles({ cacheControl: 'public, max-age=3600', anyOrigin: true });
  const serve = (c: Context, file: string | null, name: string) =>
    files(c, file, name, `${name} is not built (run the sdk build)`);

  const dir = ctx.assetsDir ? resolve(ctx.assetsDir) : null;
  for (const name of ['script.js', 'extras.js', 'recorder.js'])
    app.get('/' + name, (c) => serve(c, dir && resolve(dir, name), name));
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
