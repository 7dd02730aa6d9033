/**
 * The dimensions reports group and filter by. Session dimensions are columns of `sessions`
 * (alias `s`); event dimensions are of `events` (alias `e`); custom properties are
 * `prop.<key>` (a JSON field of `events.props`). Every SQL expression here is fixed text; user
 * input only ever reaches SQL as bound parameters.
 */
import { ApiError } from '../http/errors.js';

export type DimensionKind = 'session' | 'event';

export interface Dimension {
  name: string;
  kind: DimensionKind;
  /** SQL expression over alias `s` (session) or `e` (event) */
  sql: string;
}

const sessionDims: Record<string, string> = {
  source: 's.source',
  referrer: 's.referrer',
  utm_source: 's.utm_source',
  utm_medium: 's.utm_medium',
  utm_campaign: 's.utm_campaign',
  utm_term: 's.utm_term',
  utm_content: 's.utm_content',
  browser: 's.browser',
  os: 's.os',
  device: 's.device',
  screen: 's.screen',
  country: 's.country',
  language: 's.language',
  entry_page: 's.entry_path',
  exit_page: 's.exit_path',
  hostname: 's.hostname',
};

const eventDims: Record<string, string> = {
  page: 'e.path',
  // custom events by their name, every other kind by its type (pageview, click, …)
  event: "CASE WHEN e.type = 'custom' THEN e.name ELSE e.type END",
  type: 'e.type',
};

const PROP_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export const dimensionNames = [
  ...Object.keys(sessionDims),
  ...Object.keys(eventDims),
  'prop.<key>',
];

/** The dimension called `name`, or 400 naming the valid ones. */
export function dimension(name: string, field = 'by'): Dimension {
  if (Object.hasOwn(sessionDims, name)) return { name, kind: 'session', sql: sessionDims[name]! };
  if (Object.hasOwn(eventDims, name)) return { name, kind: 'event', sql: eventDims[name]! };
  if (name.startsWith('prop.')) {
    const key = name.slice(5);
    if (!PROP_KEY.test(key))
      throw new ApiError(
        'invalid_fields',
        `${field}: property key "${key}" must match ${PROP_KEY}`,
      );
    // the key is validated against a strict pattern and quoted; still never concatenated raw
    return { name, kind: 'event', sql: `CAST(json_extract(e.props, '$."${key}"') AS TEXT)` };
  }
  throw new ApiError(
    'invalid_fields',
    `${field}: "${name}" is not a dimension; use one of ${dimensionNames.join(', ')}`,
  );
}
