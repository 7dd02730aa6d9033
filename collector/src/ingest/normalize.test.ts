import { describe, expect, it } from 'vitest';
import {
  countryOf,
  languageOf,
  parsePageUrl,
  pickTimestamp,
  referrerSource,
  sessionOrigin,
  screenOf,
  sourceName,
} from './normalize.js';

describe('parsePageUrl', () => {
  it('keeps the query, drops fragments except #/ routes', () => {
    expect(parsePageUrl('https://www.example.com/a/b?x=1#section')).toMatchObject({
      hostname: 'www.example.com',
      path: '/a/b?x=1',
    });
    expect(parsePageUrl('https://example.com/app#/settings/profile')).toMatchObject({
      path: '/app#/settings/profile',
    });
    expect(parsePageUrl('not a url')).toBeNull();
  });

  it('reads UTM parameters', () => {
    expect(
      parsePageUrl(
        'https://example.com/?utm_source=Twitter&utm_medium=social&utm_campaign=launch&utm_term=t&utm_content=c&x=1',
      ),
    ).toMatchObject({
      utmSource: 'Twitter',
      utmMedium: 'social',
      utmCampaign: 'launch',
      utmTerm: 't',
      utmContent: 'c',
    });
    expect(parsePageUrl('https://example.com/?utm_source=')).toMatchObject({
      utmSource: null,
      utmMedium: null,
    });
  });
});

describe('referrerSource', () => {
  it.each([
    ['https://www.google.com/search?q=a', 'google'],
    ['https://google.co.uk/', 'google'],
    ['https://www.bing.com/search', 'bing'],
    ['https://duckduckgo.com/', 'duckduckgo'],
    ['https://l.facebook.com/l.php?u=x', 'facebook'],
    ['https://m.facebook.com/', 'facebook'],
    ['https://t.co/abc', 'twitter'],
    ['https://x.com/someone', 'twitter'],
    ['https://www.linkedin.com/feed', 'linkedin'],
    ['https://old.reddit.com/r/x', 'reddit'],
    ['https://github.com/owner/repo', 'github'],
    ['https://news.ycombinator.com/item?id=1', 'hacker news'],
    ['https://www.blog.example.org/post', 'blog.example.org'],
    ['https://notgoogle.com/', 'notgoogle.com'],
  ])('%s → %s', (ref, source) => {
    expect(referrerSource(ref, 'example.com', null)).toBe(source);
  });

  it('is direct when empty, unparsable or the same host (ignoring www.)', () => {
    expect(referrerSource(null, 'example.com', null)).toBe('direct');
    expect(referrerSource('', 'example.com', null)).toBe('direct');
    expect(referrerSource('garbage', 'example.com', null)).toBe('direct');
    expect(referrerSource('https://www.example.com/prev', 'example.com', null)).toBe('direct');
  });

  it("keeps another site's page as the session's referrer, never the site's own", () => {
    expect(sessionOrigin('https://www.google.com/search?q=a', 'example.com', null)).toEqual({
      source: 'google',
      referrer: 'https://www.google.com/search?q=a',
    });
    for (const ref of [null, '', 'garbage', 'https://www.example.com/prev', 'https://example.com/'])
      expect(sessionOrigin(ref, 'example.com', null)).toEqual({ source: 'direct', referrer: null });
    expect(sessionOrigin('https://example.com/prev', 'example.com', 'newsletter')).toEqual({
      source: 'newsletter',
      referrer: null,
    });
  });

  it('prefers utm_source, normalized', () => {
    expect(referrerSource('https://www.google.com/', 'example.com', 'newsletter')).toBe(
      'newsletter',
    );
    expect(sourceName('www.Facebook.com')).toBe('facebook');
  });
});

describe('pickTimestamp', () => {
  const now = Date.parse('2024-05-01T00:00:00Z');
  it('keeps client time within [now - 7 d, now + 10 min], else server time', () => {
    expect(pickTimestamp(now - 7 * 86400000, now)).toBe(now - 7 * 86400000);
    expect(pickTimestamp(now - 7 * 86400000 - 1, now)).toBe(now);
    expect(pickTimestamp(now + 600000, now)).toBe(now + 600000);
    expect(pickTimestamp(now + 600001, now)).toBe(now);
    expect(pickTimestamp(undefined, now)).toBe(now);
    expect(pickTimestamp(now - 1.7, now)).toBe(now - 2);
  });
});

describe('language, country, screen', () => {
  it('takes the payload language, else the first Accept-Language tag', () => {
    expect(languageOf('fr-FR', 'de')).toBe('fr-FR');
    expect(languageOf(undefined, 'en-US,en;q=0.9')).toBe('en-US');
    expect(languageOf(undefined, '*')).toBeNull();
    expect(languageOf(undefined, undefined)).toBeNull();
  });

  it('believes country headers only behind a trusted proxy', () => {
    const h = (v: Record<string, string>) => (n: string) => v[n];
    expect(countryOf(h({ 'cf-ipcountry': 'DE' }), false)).toBeNull();
    expect(countryOf(h({ 'cf-ipcountry': 'DE' }), true)).toBe('DE');
    expect(countryOf(h({ 'x-country-code': 'fr' }), true)).toBe('FR');
    expect(countryOf(h({ 'cf-ipcountry': 'XX' }), true)).toBeNull();
    expect(countryOf(h({ 'cf-ipcountry': 'Germany' }), true)).toBeNull();
  });

  it('formats the screen', () => {
    expect(screenOf('390x844', undefined)).toBe('390x844');
    expect(screenOf(undefined, { width: 1280.4, height: 720 })).toBe('1280x720');
    expect(screenOf('huge', undefined)).toBeNull();
  });
});
