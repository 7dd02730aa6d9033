import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's IP, used only as an input of the cookieless visitor hash (never stored).
 * Proxy headers are believed only with `trustProxy`; otherwise the socket's address. `''` when
 * unknown (e.g. `app.request()` in tests has no socket).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    const ip = forwarded || c.req.header('cf-connecting-ip') || c.req.header('x-real-ip');
    if (ip) return ip.trim();
  }
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return '';
  }
}
