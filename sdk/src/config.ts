/**
 * Tracker configuration: script-tag `data-*` attributes and npm `init()` options share one list
 * of camelCase keys (`hashRouting` ⇄ `data-hash-routing`), parsed in one loop. Pure: no DOM access.
 */

/** `'a b c'` → `'a' | 'b' | 'c'`: the key list below is a space-separated string. */
type Words<S extends string> = S extends `${infer A} ${infer B}` ? A | Words<B> : S;

/** The flags that default to true; every other flag defaults to false. */
const ON = 'autoTrack trackClicks trackScroll trackOutbound extras maskAllInputs';

type OnFlag = Words<typeof ON>;
type OffFlag =
  | 'allowLocalhost'
  | 'allowFileProtocol'
  | 'debug'
  | 'disableConsole'
  | 'hashRouting'
  | 'excludeSearch'
  | 'respectDnt'
  | 'cookieless'
  | 'replay'
  | 'allowBots';

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
  /**
   * delegated clicks, and with `extras` rage and dead clicks; in the extras bundle, clicks made
   * before it arrives are buffered for it (default true)
   */
  trackClicks?: boolean;
  /** max scroll depth and engaged time per pageview (default true) */
  trackScroll?: boolean;
  /** clicks on links to other hosts; needs `trackClicks` (default true) */
  trackOutbound?: boolean;
  /**
   * rage clicks, dead clicks and JS errors (default true). They and the autocapture (clicks,
   * outbound, scroll depth) load as a separate, async bundle
   * (`{apiUrl}/extras.js`, npm: a chunk), which is never downloaded when `extras`,
   * `trackClicks` and `trackScroll` are all off
   */
  extras?: boolean;
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
  /** ms between batch sends, 500–3600000 (default 10000) */
  flushInterval?: number;
  /** turn the client bot check off, for your own browser tests (default false) */
  allowBots?: boolean;
}

/** Flags default to false by being absent: only the defaults that are true are listed. */
export type Config = Record<OnFlag, boolean> &
  Partial<Record<OffFlag, boolean>> & {
    websiteId: string;
    /** without a trailing slash */
    apiUrl: string;
    /** lower-case hostnames; empty means any */
    domains: string[];
    replaySampleRate: number;
    flushInterval: number;
  };

/**
 * Raw options by camelCase key: the script tag's `dataset` (`data-hash-routing` → `hashRouting`,
 * string values) or the options of `init()`.
 */
export type RawOptions = { [K in keyof Options]?: unknown };

/** `hashRouting` → `data-hash-routing` (the script tag reads them through `dataset`, which maps the same way) */
export const attributeName = (key: string): string =>
  'data-' + key.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase());

/**
 * Builds the Config; `fallbackApiUrl` is the script's own origin (or the page's for npm).
 * Every key given (not null) is read as a flag, then the non-flag keys are parsed over it.
 * Flags: missing → default; `false`, `off`, `0`, `no` → false; anything else (even `""`) → true.
 */
export function parseConfig(o: RawOptions, fallbackApiUrl = ''): Config {
  const c = {} as Record<string, unknown>;
  for (const k of ON.split(' ')) c[k] = true;
  let k: keyof Options;
  for (k in o)
    // test() reads its argument as a string: `false` → "false"
    if (o[k] != null) c[k] = !/^(false|off|0|no)$/i.test(o[k] as string);
  /** a number in [min, max], else the default */
  const num = (k: keyof Options, dflt: number, min: number, max: number) => {
    const n = parseFloat(o[k] as string);
    return n >= min && n <= max ? n : dflt;
  };
  return Object.assign(c, {
    websiteId: o.websiteId as string,
    apiUrl: String(o.apiUrl || fallbackApiUrl).replace(/\/+$/, ''),
    // String() of an array joins it with commas, so both forms split the same way
    domains: (String(o.domain ?? '')
      .toLowerCase()
      .match(/[^\s,]+/g) ?? []) as string[],
    replaySampleRate: num('replaySampleRate', 1, 0, 1),
    flushInterval: num('flushInterval', 1e4, 500, 36e5),
  }) as Config;
}
