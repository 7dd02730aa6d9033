import type { Core } from './core.js';

/** Uncaught errors and unhandled rejections, deduplicated, at most 10 per page load. */
export function trackErrors(core: Core) {
  const seen: Record<string, 1> = {};
  let count = 0;
  const report = (
    message: string,
    source?: string,
    line?: number,
    column?: number,
    stack?: string,
  ) => {
    const key = message + source + line;
    if (seen[key] || count >= 10) return;
    seen[key] = 1;
    count++;
    core.push({
      type: 'error',
      message: message.slice(0, 500),
      source,
      line,
      column,
      stack: stack?.slice(0, 2000),
    });
  };
  core.on(core.w, 'error', (ev) => {
    const e = ev as ErrorEvent;
    if (e.message) report(e.message, e.filename, e.lineno, e.colno, e.error?.stack);
  });
  core.on(core.w, 'unhandledrejection', (ev) => {
    const r = (ev as PromiseRejectionEvent).reason;
    report(String(r?.message ?? r), undefined, undefined, undefined, r?.stack);
  });
}
