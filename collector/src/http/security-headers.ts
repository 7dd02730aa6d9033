import type { MiddlewareHandler } from 'hono';
import { isSecureRequest } from '../routes/request-security.js';

/** The default policy: an API answer loads nothing and may not be framed. HTML pages set their own. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Policy of the collector's own pages (docs): everything from this origin, nothing inline but styles. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every response, set before the handler (so no response is copied):
 * `nosniff`, a referrer policy, no framing (`frame-ancestors` and `X-Frame-Options`), a
 * default-deny CSP that HTML pages replace with theirs, and HSTS when the request came over TLS
 * (directly or through a trusted proxy).
 */
export function securityHeaders(trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', API_CSP);
    if (isSecureRequest(c, trustProxy))
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
