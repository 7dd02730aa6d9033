/**
 * Pure enrichment helpers: page URL → hostname/path/UTM, referrer → source, client time → `ts`,
 * language and country. No I/O, no clock of their own.
 */

/** UTM campaign parameters read from the page URL. */
export interface Utm {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

export interface PageUrl extends Utm {
  hostname: string;
  /** pathname + query (as sent) + a `#/route` fragment; other fragments are dropped */
  path: string;
}

const noUtm: Utm = {
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmTerm: null,
  utmContent: null,
};

/** Splits a page URL; `null` when it is not an absolute URL. */
export function parsePageUrl(href: string): PageUrl | null {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return null;
  }
  const hash = u.hash.startsWith('#/') ? u.hash : '';
  return { hostname: u.hostname, path: u.pathname + u.search + hash, ...utmOf(u) };
}

function utmOf(u: URL): Utm {
  if (u.search.length < 5 || !u.search.includes('utm_')) return noUtm;
  const p = u.searchParams;
  return {
    utmSource: p.get('utm_source') || null,
    utmMedium: p.get('utm_medium') || null,
    utmCampaign: p.get('utm_campaign') || null,
    utmTerm: p.get('utm_term') || null,
    utmContent: p.get('utm_content') || null,
  };
}

// Hosts (without `www.`) mapped to the names people search for; suffix match on a dot boundary.
const knownSources: readonly [string, string][] = [
  ['t.co', 'twitter'],
  ['twitter.com', 'twitter'],
  ['x.com', 'twitter'],
  ['facebook.com', 'facebook'],
  ['fb.com', 'facebook'],
  ['fb.me', 'facebook'],
  ['instagram.com', 'instagram'],
  ['linkedin.com', 'linkedin'],
  ['lnkd.in', 'linkedin'],
  ['reddit.com', 'reddit'],
  ['github.com', 'github'],
  ['news.ycombinator.com', 'hacker news'],
  ['youtube.com', 'youtube'],
  ['youtu.be', 'youtube'],
  ['bing.com', 'bing'],
  ['duckduckgo.com', 'duckduckgo'],
  ['yahoo.com', 'yahoo'],
  ['baidu.com', 'baidu'],
  ['yandex.ru', 'yandex'],
  ['yandex.com', 'yandex'],
  ['ecosia.org', 'ecosia'],
  ['mastodon.social', 'mastodon'],
  ['pinterest.com', 'pinterest'],
  ['tiktok.com', 'tiktok'],
];

/** `google.com`, `google.co.uk`, `google.de`, … */
const googleHost = /(^|\.)google\.[a-z]{2,3}(\.[a-z]{2})?$/;

/** Normalizes a host or utm_source to a source name: known names, else host without `www.`. */
export function sourceName(host: string): string {
  const h = host.toLowerCase().replace(/^www\./, '');
  if (googleHost.test(h)) return 'google';
  for (const [domain, name] of knownSources) {
    if (h === domain || h.endsWith(`.${domain}`)) return name;
  }
  return h;
}

/** The referrer's host when it is another site's; null for none, an unparsable one or the page's own host. */
function externalHost(referrer: string | null | undefined, pageHost: string): string | null {
  if (!referrer) return null;
  let host: string;
  try {
    host = new URL(referrer).hostname;
  } catch {
    return null;
  }
  const bare = (h: string) => h.toLowerCase().replace(/^www\./, '');
  return host === '' || bare(host) === bare(pageHost) ? null : host;
}

/**
 * The traffic source of a pageview: `utm_source` when present, else the referrer's host
 * (normalized), else `direct` (no referrer, an unparsable one, or the page's own host).
 */
export function referrerSource(
  referrer: string | null | undefined,
  pageHost: string,
  utmSource: string | null,
): string {
  return sessionOrigin(referrer, pageHost, utmSource).source;
}

/**
 * What a pageview says about where its session came from: the source (as `referrerSource`) and
 * the referrer to keep on the session, which is another site's page only: a move within the site
 * (the page's own host) or an unparsable referrer is no referrer, as for a direct visit.
 */
export function sessionOrigin(
  referrer: string | null | undefined,
  pageHost: string,
  utmSource: string | null,
): { source: string; referrer: string | null } {
  const host = externalHost(referrer, pageHost);
  return {
    source: utmSource ? sourceName(utmSource) : host ? sourceName(host) : 'direct',
    referrer: host ? referrer! : null,
  };
}

export const maxPastMs = 7 * 24 * 60 * 60 * 1000;
export const maxFutureMs = 10 * 60 * 1000;

/**
 * The stored time of an event: the client's when within [now − 7 days, now + 10 min], else the
 * server's. Keeping the client time is what makes retries idempotent (the events key includes ts).
 */
export function pickTimestamp(client: number | undefined, now: number): number {
  if (client === undefined || !Number.isFinite(client)) return now;
  if (client < now - maxPastMs || client > now + maxFutureMs) return now;
  return Math.floor(client);
}

/** First language tag of the payload or of `Accept-Language` (`en-US,en;q=0.9` → `en-US`). */
export function languageOf(
  fromPayload: string | undefined,
  acceptLanguage: string | undefined,
): string | null {
  const raw = fromPayload || acceptLanguage?.split(',')[0]?.split(';')[0];
  const tag = raw?.trim();
  return tag && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

/** Country from a trusted proxy's header (`CF-IPCountry`, `X-Country-Code`); `null` otherwise. */
export function countryOf(
  header: (name: string) => string | undefined,
  trustProxy: boolean,
): string | null {
  if (!trustProxy) return null;
  const v = (header('cf-ipcountry') ?? header('x-country-code'))?.trim().toUpperCase();
  // XX = unknown, T1 = Tor (Cloudflare)
  return v && /^[A-Z]{2}$/.test(v) && v !== 'XX' && v !== 'T1' ? v : null;
}

/** `"1920x1080"` from the payload's screen, else from its viewport. */
export function screenOf(
  screen: string | undefined,
  viewport: { width: number; height: number } | undefined,
): string | null {
  if (screen && /^\d{1,5}x\d{1,5}$/.test(screen)) return screen;
  if (viewport) return `${Math.round(viewport.width)}x${Math.round(viewport.height)}`;
  return null;
}

/** `YYYY-MM-DD` in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
