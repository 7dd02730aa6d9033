import { isbot } from 'isbot';

/** Why the server dropped a request as automated; counted in `bot_drops.reason`. */
export type BotReason = 'ua_empty' | 'headless' | 'ua_bot';

// Headless browsers and automation drivers that isbot may not name, reported separately.
const headless = /headless|phantomjs|slimerjs|puppeteer|playwright|selenium|webdriver/i;

/** Classifies a User-Agent: a {@link BotReason} for automation, `null` for a likely human. */
export function botReason(userAgent: string): BotReason | null {
  if (userAgent.trim() === '') return 'ua_empty';
  if (headless.test(userAgent)) return 'headless';
  if (isbot(userAgent)) return 'ua_bot';
  return null;
}
