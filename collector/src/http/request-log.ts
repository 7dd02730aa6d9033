import type { MiddlewareHandler } from 'hono';

/** One structured log line. Never holds a secret: no headers, no query strings, no bodies. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export type Logger = (entry: LogEntry) => void;

/** JSON lines on stdout (info) and stderr (warn, error), with the time. */
export const jsonLogger: Logger = (entry) => {
  const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
  if (entry.level === 'info') console.log(line);
  else console.error(line);
};

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
  }
}

const ID_PATTERN = /^[\w.:-]{1,64}$/;

/**
 * Gives every request an id (a sane incoming `X-Request-Id`, else a new one), answers it in
 * `X-Request-Id`, and logs one line per request: id, method, path (without the query string, so
 * no token or key that a client put there is ever logged), status, duration, and who was served
 * (the principal's kind and id, never a credential). Ingest lines can be left out (`ingest:
 * false`), since ingest is counted in the database and is by far the most frequent request.
 */
export function requestLog(
  log: Logger,
  opts: { newId: () => string; ingest?: boolean },
): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('X-Request-Id');
    const id = given && ID_PATTERN.test(given) ? given : opts.newId();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    const start = performance.now();
    await next();
    const path = c.req.path;
    if (opts.ingest === false && (path === '/collect' || path === '/api/events')) return;
    const p = c.get('principal');
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: id,
      method: c.req.method,
      path,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
      ...(p ? { principal: `${p.kind}:${p.id}` } : {}),
    });
  };
}
