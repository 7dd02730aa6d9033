import { describe, expect, it } from 'vitest';
import { attributeName, parseConfig, type Options } from './config.js';

const parse = (o: Record<string, unknown>, fallback?: string) => parseConfig(o, fallback);

describe('parseConfig', () => {
  it('has the documented defaults: the flags that default to false are absent', () => {
    expect(parse({ websiteId: 'w1' }, 'https://stats.example')).toEqual({
      websiteId: 'w1',
      apiUrl: 'https://stats.example',
      domains: [],
      autoTrack: true,
      trackClicks: true,
      trackScroll: true,
      trackOutbound: true,
      extras: true,
      maskAllInputs: true,
      replaySampleRate: 1,
      flushInterval: 10000,
    });
  });

  it('a null or undefined option keeps the default', () => {
    const c = parse({ websiteId: 'w1', debug: undefined, replay: null, trackClicks: undefined });
    expect(c.debug).toBeFalsy();
    expect(c.replay).toBeFalsy();
    expect(c.trackClicks).toBe(true);
  });

  const flags = [
    'allowLocalhost',
    'allowFileProtocol',
    'debug',
    'disableConsole',
    'autoTrack',
    'trackClicks',
    'trackScroll',
    'trackOutbound',
    'extras',
    'hashRouting',
    'excludeSearch',
    'respectDnt',
    'cookieless',
    'replay',
    'maskAllInputs',
    'allowBots',
  ] as const;
  it.each(flags)('reads the flag %s from attribute strings and option booleans', (k) => {
    for (const v of ['true', '', 'on', '1', 'yes', true]) expect(parse({ [k]: v })[k]).toBe(true);
    for (const v of ['false', 'FALSE', 'off', '0', 'no', false])
      expect(parse({ [k]: v })[k]).toBe(false);
  });

  it('reads numbers within bounds and falls back on bad values', () => {
    expect(parse({ flushInterval: '2500' }).flushInterval).toBe(2500);
    expect(parse({ flushInterval: 60000 }).flushInterval).toBe(60000);
    for (const bad of ['', 'soon', '100', '99999999', null, -1])
      expect(parse({ flushInterval: bad }).flushInterval).toBe(10000);
    expect(parse({ replaySampleRate: '0.25' }).replaySampleRate).toBe(0.25);
    expect(parse({ replaySampleRate: '0' }).replaySampleRate).toBe(0);
    expect(parse({ replaySampleRate: '1.5' }).replaySampleRate).toBe(1);
    expect(parse({ replaySampleRate: 'x' }).replaySampleRate).toBe(1);
  });

  it('data-replay="on" turns recording on', () => {
    expect(parse({ replay: 'on' }).replay).toBe(true);
    expect(parse({ replay: 'off' }).replay).toBe(false);
  });

  it('trims the api url and prefers it over the script origin', () => {
    expect(parse({ apiUrl: 'https://c.example/base//' }, 'https://s.example').apiUrl).toBe(
      'https://c.example/base',
    );
    expect(parse({}, 'https://s.example').apiUrl).toBe('https://s.example');
  });

  it('reads domains as a comma list or an array, lower-cased', () => {
    expect(parse({ domain: ' Shop.example, www.example ,' }).domains).toEqual([
      'shop.example',
      'www.example',
    ]);
    expect(parse({ domain: ['A.example', 'b.example'] }).domains).toEqual([
      'a.example',
      'b.example',
    ]);
    expect(parse({ domain: '' }).domains).toEqual([]);
  });

  it('maps camelCase keys to data-* attributes, as the script tag reads them', () => {
    expect(attributeName('hashRouting')).toBe('data-hash-routing');
    expect(attributeName('allowFileProtocol')).toBe('data-allow-file-protocol');
    // the script tag reads through dataset, which maps the same way
    const s = document.createElement('script');
    const keys: (keyof Options)[] = ['websiteId', 'replaySampleRate', 'disableConsole'];
    keys.forEach((k, i) => s.setAttribute(attributeName(k), String(i)));
    expect(keys.map((k) => s.dataset[k])).toEqual(['0', '1', '2']);
  });
});
