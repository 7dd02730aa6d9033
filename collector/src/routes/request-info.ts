import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import { clientIp } from '../ingest/client-ip.js';
import { countryOf } from '../ingest/normalize.js';
import type { RequestInfo } from '../ingest/pipeline.js';

/** The request facts ingest needs besides the body. */
export function requestInfo(c: Context, ctx: AppContext): RequestInfo {
  return {
    userAgent: c.req.header('user-agent') ?? '',
    ip: () => clientIp(c, ctx.trustProxy),
    acceptLanguage: c.req.header('accept-language'),
    country: countryOf((name) => c.req.header(name), ctx.trustProxy),
    origin: c.req.header('origin'),
  };
}
