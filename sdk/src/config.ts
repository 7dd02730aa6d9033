/**
 * Tracker configuration: script-tag `data-*` attributes and npm `init()` options share one list
 * of camelCase keys (`hashRouting` ⇄ `data-hash-routing`). Pure: no DOM access here.
 */

/** Options of `init()`; each mirrors a `data-*` attribute of the script tag. */
export interface Options {
  /** site id issued by the collector (required) */
  websiteId: string;
  /** collector base URL; the script tag defaults to its own `src` origin */
  apiUrl?: string;
  /** comma list (or array) of hostnames; on other hosts nothing is sent */
  domain?: string | string[];
  /** track on localhost / 127.0.0.1 (default false) */
  allowLocalhost?: boolean;
  /** track on `file:` pages (default false) */
  allowFileProtocol?: boolean;
  /** log what is sent (default false) */
  debug?: boolean;
  /** no console output at all (default false) */
  disableConsole?: boolean;
  /** automatic pageviews, SPA navigation included (default true) */
  autoTrack?: boolean;
  /** delegated clicks, rage and dead clicks (default true) */
  trackClicks?: boolean;
  /** max scroll depth and engaged time per pageview (default true) */
  trackScroll?: boolean;
  /** clicks on links to other hosts (default true) */
  trackOutbound?: boolean;
  /** count `#/route` changes as pageviews (default false) */
  hashRouting?: boolean;
  /** drop the query string from URLs (default false) */
  excludeSearch?: boolean;
  /** honour Do-Not-Track / Global Privacy Control (default false) */
  respectDnt?: boolean;
  /** store nothing in the browser; the collector derives a daily-salted visitor hash (default false) */
  cookieless?: boolean;
  /** record sessions with rrweb (default false; attribute value `on`) */
  replay?: boolean | 'on' | 'off';
  /** share of sessions recorded, 0–1, sticky per session (default 1) */
  replaySampleRate?: number;
  /** mask every input's value in recordings (default true; passwords are always masked) */
  maskAllInputs?: boolean;
  /** ms between batch sends (default 10000) */
  flushInterval?: number;
  /** turn the client bot check off, for your own browser tests (default false) */
  allowBots?: boolean;
}

export interface Config {
  websiteId: string;
  apiUrl: string;
  domains: string[];
  allowLocalhost: boolean;
  allowFileProtocol: boolean;
  debug: boolean;
  disableConsole: boolean;
  autoTrack: boolean;
  trackClicks: boolean;
  trackScroll: boolean;
  trackOutbound: boolean;
  hashRouting: boolean;
  excludeSearch: boolean;
  respectDnt: boolean;
  cookieless: boolean;
  replay: boolean;
  replaySampleRate: number;
  maskAllInputs: boolean;
  flushInterval: number;
  allowBots: boolean;
}

/** Reads one option by its camelCase key: an attribute value (string/null) or an option value. */
export type Reader = (key: keyof Options) => unknown;

/** `hashRouting` → `data-hash-routing` */
export const attributeName = (key: string): string =>
  'data-' + key.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase());

function flag(v: unknown, dflt: boolean): boolean {
  if (v == null) return dflt;
  return v !== false && !/^(false|off|0|no)$/i.test(String(v));
}

function num(v: unknown, dflt: number, min: number, max: number): number {
  const n = v == null || v === '' ? NaN : Number(v);
  return n >= min && n <= max ? n : dflt;
}

/** Builds the Config; `fallbackApiUrl` is the script's own origin (or '' for npm). */
export function parseConfig(read: Reader, fallbackApiUrl = ''): Config {
  const domain = read('domain');
  const api = read('apiUrl');
  return {
    websiteId: String(read('websiteId') ?? ''),
    apiUrl: String(api || fallbackApiUrl).replace(/\/+$/, ''),
    domains: (Array.isArray(domain) ? domain : String(domain ?? '').split(','))
      .map((d: string) => d.trim().toLowerCase())
      .filter(Boolean),
    allowLocalhost: flag(read('allowLocalhost'), false),
    allowFileProtocol: flag(read('allowFileProtocol'), false),
    debug: flag(read('debug'), false),
    disableConsole: flag(read('disableConsole'), false),
    autoTrack: flag(read('autoTrack'), true),
    trackClicks: flag(read('trackClicks'), true),
    trackScroll: flag(read('trackScroll'), true),
    trackOutbound: flag(read('trackOutbound'), true),
    hashRouting: flag(read('hashRouting'), false),
    excludeSearch: flag(read('excludeSearch'), false),
    respectDnt: flag(read('respectDnt'), false),
    cookieless: flag(read('cookieless'), false),
    replay: flag(read('replay'), false),
    replaySampleRate: num(read('replaySampleRate'), 1, 0, 1),
    maskAllInputs: flag(read('maskAllInputs'), true),
    flushInterval: num(read('flushInterval'), 10000, 500, 3600000),
    allowBots: flag(read('allowBots'), false),
  };
}
