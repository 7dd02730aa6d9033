/**
 * Everything the tracker needs from the outside world, injected so tests pass fakes:
 * clock, ids, storage (always wrapped: private modes throw), network and timers.
 */
export interface Env {
  now(): number;
  uuid(): string;
  /** localStorage get; null when missing or unavailable */
  get(key: string): string | null;
  /** localStorage set (null removes); silently ignored when unavailable */
  set(key: string, value: string | null): void;
  /**
   * POSTs a text/plain body. Resolves to the HTTP status, 0 on a network error; with `beacon`,
   * uses `sendBeacon` and resolves 200 when the browser queued it, 0 when it refused.
   */
  post(url: string, body: string, beacon?: boolean): Promise<number>;
  timeout(fn: () => void, ms: number): void;
}

const rnd = (c: string): string =>
  (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16);

/** The real browser environment. */
export function browserEnv(w: Window): Env {
  const ls = (): Storage | null => {
    try {
      return w.localStorage;
    } catch {
      return null;
    }
  };
  return {
    now: () => Date.now(),
    // RFC 4122 v4 from getRandomValues: randomUUID only exists in secure contexts.
    uuid: () => '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, rnd),
    get: (k) => {
      try {
        return ls()?.getItem(k) ?? null;
      } catch {
        return null;
      }
    },
    set: (k, v) => {
      try {
        if (v == null) ls()?.removeItem(k);
        else ls()?.setItem(k, v);
      } catch {
        /* quota or private mode: tracking goes on without persistence */
      }
    },
    post: (url, body, beacon) => {
      if (beacon && w.navigator.sendBeacon) {
        let queued = false;
        try {
          queued = w.navigator.sendBeacon(url, body);
        } catch {
          /* refused */
        }
        return Promise.resolve(queued ? 200 : 0);
      }
      return w
        .fetch(url, {
          method: 'POST',
          body,
          keepalive: true,
          credentials: 'omit',
          headers: { 'Content-Type': 'text/plain' },
        })
        .then(
          (r) => r.status,
          () => 0,
        );
    },
    timeout: (fn, ms) => void w.setTimeout(fn, ms),
  };
}
