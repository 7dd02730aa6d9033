import type { Env } from './env.js';

/** A session ends after 30 minutes without activity (SPEC §2.4). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

export interface Ids {
  visitorId?: string;
  sessionId?: string;
}

/**
 * Visitor and session ids kept in localStorage so every tab of a browser shares them.
 * `sl_s` holds `sessionId|lastActivity`; touching it keeps the session alive. In cookieless mode
 * nothing is stored and no ids are sent: the collector derives them.
 */
export function createIds(env: Env, cookieless?: boolean): () => Ids {
  return () => {
    if (cookieless) return {};
    const now = env.now();
    let visitorId = env.get('sl_v');
    if (!visitorId) env.set('sl_v', (visitorId = env.uuid()));
    const [id, last] = String(env.get('sl_s')).split('|'); // null → ['null']: no session
    const sessionId = id && now - +last! < SESSION_IDLE_MS ? id : env.uuid();
    env.set('sl_s', sessionId + '|' + now);
    return { visitorId, sessionId };
  };
}
