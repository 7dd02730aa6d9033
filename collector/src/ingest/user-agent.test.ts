import { describe, expect, it } from 'vitest';
import { botReason } from './bot.js';
import { createUserAgentParser } from './user-agent.js';

const firefoxMac =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0';
const ipad =
  'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

describe('user agent parsing', () => {
  it('derives browser, major version, OS and device', () => {
    const parse = createUserAgentParser();
    expect(parse(firefoxMac)).toEqual({
      browser: 'Firefox',
      browserVersion: '121',
      os: 'Mac OS',
      device: 'desktop',
      bot: null,
    });
    expect(parse(ipad)).toMatchObject({ browser: 'Mobile Safari', os: 'iOS', device: 'tablet' });
  });

  it('caches per UA string (same object) and stays bounded', () => {
    const parse = createUserAgentParser(2);
    const first = parse(firefoxMac);
    expect(parse(firefoxMac)).toBe(first);
    parse(ipad);
    parse('curl/8.0');
    expect(parse(firefoxMac)).not.toBe(first);
  });
});

describe('botReason', () => {
  it.each([
    ['', 'ua_empty'],
    ['   ', 'ua_empty'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'ua_bot'],
    ['curl/8.4.0', 'ua_bot'],
    ['python-requests/2.31', 'ua_bot'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.0.0 Safari/537.36',
      'headless',
    ],
    [firefoxMac, null],
  ])('%j → %s', (ua, reason) => {
    expect(botReason(ua)).toBe(reason);
  });
});
