import type { Context } from 'hono';

/** true when the client reached us over TLS (directly, or through a trusted proxy that says so). */
export function isSecureRequest(c: Context, trustProxy: boolean): boolean {
  // a prefix test, not a URL parse: this runs on every request (security headers)
  if (c.req.url.startsWith('https:')) return true;
  if (!trustProxy) return false;
  return c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
