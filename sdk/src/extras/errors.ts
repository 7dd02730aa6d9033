import type { Core } from '../trackers/core.js';

/** Uncaught errors and unhandled rejections, deduplicated by message, at most 10 per page load. */
export function trackErrors(core: Core) {
  const seen: string[] = [];
  const report = (
    e: { message?: string; stack?: string },
    source?: string,
    line?: number,
    column?: number,
  ) => {
    const message = String(e?.message ?? e);
    if (seen.length > 9 || seen.includes(message)) return;
    seen.push(message);
    core.push({
      type: 'error',
      message: message.slice(0, 500),
      source,
      line,
      column,
      stack: e?.stack?.slice(0, 2000),
    });
  };
  core.on(core.w, 'error', (ev) => {
    const e = ev as ErrorEvent; // resource load errors are plain Events without a message
    if (e.message) report(e.error ?? e, e.filename, e.lineno, e.colno);
  });
  core.on(core.w, 'unhandledrejection', (e) => report((e as PromiseRejectionEvent).reason));
}
