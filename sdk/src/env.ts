/**
 * Everything the tracker needs from the outside world, injected so tests pass fakes:
 * clock, ids, storage (always wrapped: private modes throw), network and timers.
 */
export interface Env {
  now(): number;
  uuid(): string;
  /** localStorage get; null when missing or unavailable */
  get(key: string): string | null;
  /** localStorage set; silently ignored when unavailable */
  set(key: string, value: string): void;
  /**
   * POSTs a text/plain body; never rejects. Resolves to the HTTP status, 0 on a network error;
   * with `beacon`, uses `sendBeacon` and resolves 200 when the browser queued it, 0 when it refused.
   */
  post(url: string, body: string, beacon?: unknown): Promise<number>;
  timeout(fn: () => void, ms: number): void;
}

const rnd = (c: string): string =>
  (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16);

/** The real browser environment. */
export function browserEnv(w: Window): Env {
  const store = <T>(fn: (s: Storage) => T): T | null => {
    try {
      return fn(w.localStorage);
    } catch {
      return null; // private mode or quota: tracking goes on without persistence
    }
  };
  return {
    now: Date.now,
    // RFC 4122 v4 from getRandomValues: randomUUID only exists in secure contexts.
    uuid: () => '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, rnd),
    get: (k) => store((s) => s.getItem(k)),
    set: (k, v) => void store((s) => s.setItem(k, v)),
    async post(url, body, beacon) {
      try {
        // without sendBeacon this throws: the request then waits in the outbox for a fetch retry
        return beacon
          ? w.navigator.sendBeacon(url, body)
            ? 200
            : 0
          : // a string body is sent as text/plain: a "simple" request, no CORS preflight;
            // keepalive refuses bodies over 64 KB (a large replay snapshot): those go without it
            (await w.fetch(url, { method: 'POST', body, keepalive: body.length < 6e4 })).status;
      } catch {
        return 0;
      }
    },
    timeout: (fn, ms) => void w.setTimeout(fn, ms),
  };
}
