import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import { clientIp } from '../ingest/client-ip.js';
import { ApiError } from './errors.js';
import { RateLimiter } from './rate-limit.js';

/**
 * Per-client-IP limit of ingest requests, checked before the body is read: `429` with
 * `Retry-After`, nothing stored (the tracker keeps the events and retries). Behind a proxy, set
 * `SIGHTLINE_TRUST_PROXY` so the client's address is used, not the proxy's. The per-website
 * limit is checked by the pipeline once the body names the website.
 */
export function ingestRateLimit(ctx: AppContext): MiddlewareHandler {
  const limiter = new RateLimiter(ctx.limits.ingestPerIp);
  return async (c, next) => {
    const wait = limiter.take(clientIp(c, ctx.trustProxy) || 'unknown', ctx.now());
    if (wait > 0) {
      throw new ApiError('rate_limited', 'too many requests from this address; retry later', {
        'Retry-After': String(wait),
      });
    }
    await next();
  };
}
