import type { MiddlewareHandler } from 'hono';

/**
 * CORS for the public ingest endpoints: any origin may POST (the route narrows the grant once it
 * knows the website's allowed domains), and a preflight is answered at once.
 * The headers go through `c.header()` before the handler runs, so the response is built once;
 * `hono/cors` edits `c.res` instead, which makes Hono copy every response (about a tenth of the
 * CPU time of `POST /collect`).
 */
export function publicCors(): MiddlewareHandler {
  return async (c, next) => {
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'POST,OPTIONS');
      c.header('Access-Control-Allow-Headers', 'Content-Type');
      c.header('Access-Control-Max-Age', '86400');
      return c.body(null, 204);
    }
    await next();
  };
}
