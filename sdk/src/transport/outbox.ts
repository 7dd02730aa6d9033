import type { Env } from '../env.js';

/** A request that could not be delivered yet: [path, body]. */
export type Pending = [string, string];

/** Bounds of the offline queue (SPEC §2.6: bounded). */
export const OUTBOX_MAX_ITEMS = 100;
export const OUTBOX_MAX_CHARS = 256 * 1024;

/**
 * Undelivered requests, retried with exponential backoff (1 s, 2 s, 4 s … 60 s) and kept in
 * localStorage (`sl_q`) so they survive a reload. The oldest are dropped past the bounds.
 */
export function createOutbox(env: Env, apiUrl: string, persist: boolean) {
  let items: Pending[] = [];
  let attempt = 0;
  let scheduled = false;
  try {
    items = (persist && JSON.parse(env.get('sl_q') ?? '[]')) || [];
  } catch {
    /* corrupt: start empty */
  }

  const save = () => {
    // keep the newest requests that fit the bounds
    const keep: Pending[] = [];
    let size = 0;
    for (let i = items.length - 1; i >= 0 && keep.length < OUTBOX_MAX_ITEMS; i--) {
      size += items[i]![1].length;
      if (size > OUTBOX_MAX_CHARS) break;
      keep.unshift(items[i]!);
    }
    items = keep;
    if (persist) env.set('sl_q', items.length ? JSON.stringify(items) : null);
  };

  /** 2xx, or a 4xx other than 429 (it would fail again), ends a request's life. */
  const done = (status: number) => status > 0 && status < 500 && status !== 429;

  const retry = () => {
    scheduled = false;
    const batch = items;
    items = [];
    save();
    Promise.all(batch.map((p) => env.post(apiUrl + p[0], p[1]).then((s) => done(s) || p))).then(
      (left) => {
        const failed = left.filter((x): x is Pending => x !== true);
        items = failed.concat(items);
        attempt = failed.length ? attempt + 1 : 0;
        save();
        schedule();
      },
    );
  };

  const schedule = () => {
    if (scheduled || !items.length) return;
    scheduled = true;
    env.timeout(retry, Math.min(1000 * 2 ** attempt, 60000));
  };

  schedule();
  return {
    /** Sends now; on failure keeps it for retry. Resolves true when delivered (or dropped as invalid). */
    send(path: string, body: string, beacon?: boolean): Promise<boolean> {
      return env.post(apiUrl + path, body, beacon).then((s) => {
        if (done(s)) return true;
        items.push([path, body]);
        save();
        schedule();
        return false;
      });
    },
    pending: () => items.length,
  };
}
