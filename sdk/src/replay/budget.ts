/** Raw rrweb bytes one session may record across its pages; past it recording stops. */
export const SESSION_CAP_BYTES = 5 * 1024 * 1024;
/** localStorage key: `sessionId|bytes recorded`. */
export const BUDGET_KEY = 'sl_rb';

export interface Store {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/**
 * The per-session byte cap. The count lives in localStorage under the session id, so every page
 * load and tab of the session adds to the same total; without a session id (cookieless) or
 * without storage it is kept for this page only.
 */
export function createBudget(store: Store, session: () => string, cap = SESSION_CAP_BYTES) {
  let mem = '|0';
  return {
    /** books `bytes` for the current session; false, booking nothing, when that passes the cap */
    spend(bytes: number): boolean {
      const sid = session();
      const [s, n] = ((sid && store.get(BUDGET_KEY)) || mem).split('|');
      const used = (s === sid ? Number(n) || 0 : 0) + bytes;
      if (used > cap) return false;
      mem = sid + '|' + used;
      if (sid) store.set(BUDGET_KEY, mem);
      return true;
    },
  };
}
