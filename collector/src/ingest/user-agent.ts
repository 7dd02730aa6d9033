import { UAParser } from 'ua-parser-js';
import { botReason, type BotReason } from './bot.js';
import { Lru } from './lru.js';

/** What the collector keeps of a User-Agent (the string itself is never stored). */
export interface UserAgentInfo {
  browser: string | null;
  /** major version only */
  browserVersion: string | null;
  os: string | null;
  /** `desktop`, `mobile`, `tablet`, … */
  device: string | null;
  bot: BotReason | null;
}

/**
 * Parses User-Agents with ua-parser-js and the bot filter, cached per UA string: parsing costs
 * ~14 µs and isbot a few more, while real traffic repeats a few hundred distinct strings.
 */
export function createUserAgentParser(capacity = 1000): (ua: string) => UserAgentInfo {
  const cache = new Lru<string, UserAgentInfo>(capacity);
  return (ua) => {
    const hit = cache.get(ua);
    if (hit) return hit;
    const r = new UAParser(ua).getResult();
    const info: UserAgentInfo = {
      browser: r.browser.name ?? null,
      browserVersion: r.browser.major ?? null,
      os: r.os.name ?? null,
      device: ua === '' ? null : (r.device.type ?? 'desktop'),
      bot: botReason(ua),
    };
    cache.set(ua, info);
    return info;
  };
}
