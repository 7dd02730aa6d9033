import type { Core } from '../trackers/core.js';

/** Bound of the offline queue as JSON (SPEC §2.6: bounded); the oldest requests go first. */
export const OUTBOX_MAX_CHARS = 256 * 1024;
/** Backoff cap: a failing outbox is retried at most every 2^6 = 64 flush ticks. */
export const MAX_BACKOFF = 6;

/** A request that could not be delivered yet: [path, body]. */
export type Pending = [path: string, body: string];

/**
 * The core's transport (SPEC §2.6): `send` POSTs a body to the collector, by beacon when asked.
 * `script.js` sends its `/collect` events through it, and the extras their `/api/events` batches.
 *
 * Undelivered requests (network error, refused beacon, 5xx, 429) wait in the outbox, kept in
 * localStorage (`sl_q`) so they survive a reload, and are resent by the tick that runs every
 * `interval` ms (the first at once, so a reload resends what the last page left) with
 * exponential backoff: after n failed rounds the outbox waits 2^n - 1 ticks (1, 2, 4 … 64 ticks
 * apart); any delivery resets it. Other 4xx answers drop the request: it would fail again. Every
 * event carries a client id, so a request delivered twice is still counted once. Each tick then
 * flushes the extras' batch queue (`core.flush`, once they have installed it). Nothing is
 * stored in cookieless mode: the outbox then lives in memory only.
 */
export function createTransport(core: Pick<Core, 'env' | 'c' | 'flush'>) {
  const { env, c } = core;
  const persist = !c.cookieless;
  let outbox: Pending[] = [];
  let attempt = 0;
  let wait = 0;
  try {
    outbox = (persist && JSON.parse(env.get('sl_q')!)) || [];
  } catch {
    /* corrupt: start empty */
  }

  const send = (path: string, body: string, beacon?: unknown) =>
    env.post(c.apiUrl + path, body, beacon).then((status) => {
      // delivered, or refused for good (a 4xx other than 429): either way never sent again
      if (status % 429 && status < 500) attempt = wait = 0;
      else outbox.push([path, body]);
      // keep the newest requests that fit the bound
      let json;
      while ((json = JSON.stringify(outbox)).length > OUTBOX_MAX_CHARS) outbox.shift();
      if (persist) env.set('sl_q', json);
    });

  /** runs every `flushInterval` from now on: the outbox (with backoff), then the batch queue */
  const run = () => {
    env.timeout(run, c.flushInterval);
    if (outbox[0] && --wait < 0) {
      wait = 2 ** Math.min(attempt++, MAX_BACKOFF) - 1;
      // stored until the first answer: a reload meanwhile resends them, and event ids dedupe
      for (const [path, body] of outbox.splice(0)) void send(path, body);
    }
    core.flush?.();
  };
  run();
  return send;
}

export type Send = ReturnType<typeof createTransport>;
