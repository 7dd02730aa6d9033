/**
 * Report filters. In a query string each dimension is a parameter: `page=/pricing`,
 * `country=DE`, `prop.plan=pro`; a value starting with `!` negates (`browser=!Safari`), one with
 * `*` matches a pattern (`page=/blog/*`), and `|` separates alternatives (`country=DE|AT`).
 * Filters combine with AND. In JSON (`POST /api/query`) they are `{dimension, op, value}` objects.
 */
import { ApiError } from '../http/errors.js';
import { dimension, type Dimension } from './dimensions.js';

export type FilterOp = 'is' | 'is_not' | 'matches' | 'does_not_match';

export interface Filter {
  dimension: Dimension;
  op: FilterOp;
  /** alternatives (OR) */
  values: string[];
}

const MAX_VALUES = 50;

/** Query parameters that are not filters. */
const reserved = new Set([
  'websiteId',
  'period',
  'from',
  'to',
  'timezone',
  'interval',
  'by',
  'limit',
  'offset',
  'compare',
  'metrics',
  'steps',
  'window',
  'periods',
  'cohort',
]);

/** `page=/blog/*` → a filter; `!` negates, `*` is a wildcard, `|` separates alternatives. */
export function parseFilterParam(name: string, raw: string): Filter {
  const negate = raw.startsWith('!');
  const body = negate ? raw.slice(1) : raw;
  const values = body.split('|');
  if (values.length > MAX_VALUES)
    throw new ApiError('invalid_fields', `${name}: at most ${MAX_VALUES} alternatives`);
  const pattern = values.some((v) => v.includes('*'));
  const op: FilterOp = pattern ? (negate ? 'does_not_match' : 'matches') : negate ? 'is_not' : 'is';
  return { dimension: dimension(name, name), op, values };
}

/** Every filter of a query string (each parameter that is not a reserved one). */
export function filtersFromQuery(query: Record<string, string>): Filter[] {
  const out: Filter[] = [];
  for (const [name, raw] of Object.entries(query)) {
    if (reserved.has(name)) continue;
    out.push(parseFilterParam(name, raw));
  }
  return out;
}

/** A JSON filter (`POST /api/query`). */
export function filterFromJson(
  f: { dimension: string; op: FilterOp; value: string | string[] },
  i: number,
): Filter {
  const values = Array.isArray(f.value) ? f.value : [f.value];
  if (values.length === 0 || values.length > MAX_VALUES)
    throw new ApiError('invalid_fields', `filters.${i}.value: 1 to ${MAX_VALUES} values`);
  return { dimension: dimension(f.dimension, `filters.${i}.dimension`), op: f.op, values };
}

/** `*` → SQL GLOB `*`, with the other GLOB metacharacters made literal. */
function glob(value: string): string {
  return value.replace(/[[\]?]/g, (c) => `[${c}]`);
}

/** SQL condition and parameters of one filter (over alias `s` or `e`). */
export function filterSql(f: Filter): { sql: string; params: unknown[] } {
  const expr = f.dimension.sql;
  const { values } = f;
  switch (f.op) {
    case 'is':
      return { sql: `${expr} IN (${values.map(() => '?').join(', ')})`, params: values };
    case 'is_not':
      return {
        sql: `(${expr} IS NULL OR ${expr} NOT IN (${values.map(() => '?').join(', ')}))`,
        params: values,
      };
    case 'matches':
      return {
        sql: `(${values.map(() => `${expr} GLOB ?`).join(' OR ')})`,
        params: values.map(glob),
      };
    case 'does_not_match':
      return {
        sql: `(${expr} IS NULL OR NOT (${values.map(() => `${expr} GLOB ?`).join(' OR ')}))`,
        params: values.map(glob),
      };
  }
}

/** A value with `*` wildcards (nothing else special) as a whole-string regular expression. */
export function wildcardRegExp(value: string): RegExp {
  const parts = value.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

/** JS version of a filter, for one value (tests and in-memory checks). */
export function filterMatches(f: Filter, value: string | null): boolean {
  const re = wildcardRegExp;
  switch (f.op) {
    case 'is':
      return value !== null && f.values.includes(value);
    case 'is_not':
      return value === null || !f.values.includes(value);
    case 'matches':
      return value !== null && f.values.some((v) => re(v).test(value));
    case 'does_not_match':
      return value === null || !f.values.some((v) => re(v).test(value));
  }
}
