/**
 * Reports over whole visitor histories: funnels, retention cohorts and active users. They read
 * the few columns they need of the matching rows and compute in JS (the rows, not the result,
 * are what SQL narrows down).
 */
import type Database from 'better-sqlite3';
import { ApiError } from '../http/errors.js';
import { wildcardRegExp } from './filters.js';
import type { ReportParams } from './params.js';
import { between, eventFrom, idMatchSpan, sessionWhere } from './scope.js';
import { DAY, bucketIndex, buckets } from './time.js';

export interface FunnelStep {
  type: 'page' | 'event';
  value: string;
}

/** `page:/pricing,event:signup` → steps (2–10). */
export function parseSteps(raw: string | undefined): FunnelStep[] {
  if (!raw)
    throw new ApiError(
      'invalid_fields',
      'steps: required, e.g. steps=page:/,page:/pricing,event:signup',
    );
  const steps = raw.split(',').map((s, i) => {
    const m = /^(page|event):(.+)$/.exec(s.trim());
    if (!m)
      throw new ApiError(
        'invalid_fields',
        `steps.${i}: "${s}" must be page:<path> or event:<name>`,
      );
    return { type: m[1] as 'page' | 'event', value: m[2]! };
  });
  if (steps.length < 2 || steps.length > 10)
    throw new ApiError('invalid_fields', 'steps: give 2 to 10 steps');
  return steps;
}

interface Touch {
  visitor: string;
  ts: number;
  type: string;
  name: string | null;
  path: string | null;
}

function matcher(step: FunnelStep) {
  const re = step.value.includes('*') ? wildcardRegExp(step.value) : null;
  const eq = (v: string | null) => (v === null ? false : re ? re.test(v) : v === step.value);
  return step.type === 'page'
    ? (t: Touch) => t.type === 'pageview' && eq(t.path)
    : (t: Touch) => t.type === 'custom' && eq(t.name);
}

/**
 * The events a funnel reads: those that match a step. Without wildcards that is exact paths and
 * names, which SQL can select; an event that matches no step never moves a visitor on (and its
 * time only ends a window that the next matching event would end too), so leaving it out changes
 * no result and spares sorting and walking it.
 */
function stepRows(steps: FunnelStep[]): { sql: string; params: string[] } {
  if (steps.some((s) => s.value.includes('*')))
    return { sql: "e.type IN ('pageview', 'custom')", params: [] };
  const group = (type: string, column: string, values: string[]) =>
    values.length
      ? [`(e.type = '${type}' AND e.${column} IN (${values.map(() => '?').join(', ')}))`]
      : [];
  const pages = [...new Set(steps.filter((s) => s.type === 'page').map((s) => s.value))];
  const names = [...new Set(steps.filter((s) => s.type === 'event').map((s) => s.value))];
  return {
    sql: `(${[...group('pageview', 'path', pages), ...group('custom', 'name', names)].join(' OR ')})`,
    params: [...pages, ...names],
  };
}

/** How far a visitor got: from any step-1 event, each next step later and within the window. */
export function funnelDepth(
  touches: Touch[],
  steps: ((t: Touch) => boolean)[],
  windowMs: number,
): number {
  let best = 0;
  for (let i = 0; i < touches.length && best < steps.length; i++) {
    if (!steps[0]!(touches[i]!)) continue;
    const start = touches[i]!.ts;
    let depth = 1;
    for (let j = i + 1; j < touches.length && depth < steps.length; j++) {
      const t = touches[j]!;
      if (t.ts - start > windowMs) break;
      if (steps[depth]!(t)) depth++;
    }
    best = Math.max(best, depth);
  }
  return best;
}

/** `30m`, `24h`, `7d` → ms (1 minute to 90 days). */
export function parseWindow(raw: string | undefined): number {
  const m = /^(\d{1,4})(m|h|d)$/.exec(raw ?? '24h');
  const ms = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: DAY }[m[2] as 'm' | 'h' | 'd'] : NaN;
  if (!(ms >= 60_000 && ms <= 90 * DAY))
    throw new ApiError(
      'invalid_fields',
      `window: "${raw}" must be like 30m, 24h or 7d (1 minute to 90 days)`,
    );
  return ms;
}

export function createBehaviour(sqlite: Database.Database) {
  function funnel(p: ReportParams, steps: FunnelStep[], windowMs: number) {
    const e = eventFrom(
      p.websiteId,
      between(p.from, p.to),
      p.filters,
      idMatchSpan(sqlite, p.websiteId, [p.from, p.to]),
    );
    const only = stepRows(steps);
    const touches = sqlite
      .prepare(
        `SELECT e.visitor_id AS visitor, e.ts, e.type, e.name, e.path ${e.sql}
         AND ${only.sql} ORDER BY e.visitor_id, e.ts, e.id`,
      )
      .all(...e.params, ...only.params) as Touch[];
    const match = steps.map(matcher);
    const reached = new Array<number>(steps.length).fill(0);
    for (let i = 0; i < touches.length;) {
      let j = i;
      while (j < touches.length && touches[j]!.visitor === touches[i]!.visitor) j++;
      const depth = funnelDepth(touches.slice(i, j), match, windowMs);
      for (let k = 0; k < depth; k++) reached[k]!++;
      i = j;
    }
    return {
      windowSeconds: windowMs / 1000,
      steps: steps.map((s, k) => ({
        step: `${s.type}:${s.value}`,
        visitors: reached[k]!,
        conversionRate: reached[0] ? Math.round((1000 * reached[k]!) / reached[0]) / 10 : 0,
        dropOff: k === 0 ? 0 : reached[k - 1]! - reached[k]!,
        dropOffRate:
          k === 0 || !reached[k - 1]
            ? 0
            : Math.round((1000 * (reached[k - 1]! - reached[k]!)) / reached[k - 1]!) / 10,
      })),
    };
  }

  /** Visitors grouped by the day or week of their first visit, and who came back after. */
  function retention(p: ReportParams, period: 'day' | 'week', periods: number) {
    const s = sessionWhere(p.websiteId, { sql: '$ts < ?', params: [p.to] }, p.filters, [0, p.to]);
    const rows = sqlite
      .prepare(
        `SELECT s.visitor_id AS v, s.started_at AS t FROM sessions s WHERE ${s.sql} ORDER BY s.started_at`,
      )
      .all(...s.params) as { v: string; t: number }[];
    // each session's bucket by binary search over the range's buckets: no time zone lookup per row
    const list = buckets(p.timezone, p.from, p.to, period);
    const first = new Map<string, number>(); // visitor → the bucket of their first visit, or -1
    const active = new Map<string, Set<number>>();
    for (const r of rows) {
      const i = r.t >= p.from ? bucketIndex(list, r.t) : -1;
      if (!first.has(r.v)) first.set(r.v, i);
      if (i >= 0) {
        let set = active.get(r.v);
        if (!set) active.set(r.v, (set = new Set()));
        set.add(i);
      }
    }
    const cohorts = list.map((b) => ({
      cohort: b.key,
      visitors: 0,
      returning: new Array<number>(periods + 1).fill(0),
    }));
    for (const [v, c] of first) {
      if (c < 0) continue;
      cohorts[c]!.visitors++;
      for (const i of active.get(v) ?? [])
        if (i >= c && i - c <= periods) cohorts[c]!.returning[i - c]!++;
    }
    return {
      period,
      cohorts: cohorts.map((c, ci) => ({
        cohort: c.cohort,
        visitors: c.visitors,
        retention: c.returning
          .slice(0, Math.min(periods, list.length - 1 - ci) + 1)
          .map((n, k) => ({
            period: k,
            visitors: n,
            rate: c.visitors ? Math.round((1000 * n) / c.visitors) / 10 : 0,
          })),
      })),
    };
  }

  /** Per local day: visitors (and identified users) active that day, that week, that month. */
  function active(p: ReportParams) {
    const days = buckets(p.timezone, p.from, p.to, 'day');
    const since = p.from - 31 * DAY;
    const s = sessionWhere(p.websiteId, between(since, p.to), p.filters, [since, p.to]);
    const rows = sqlite
      .prepare(
        `SELECT s.visitor_id AS v, s.user_id AS u, s.started_at AS t FROM sessions s WHERE ${s.sql}`,
      )
      .all(...s.params) as { v: string; u: string | null; t: number }[];
    // consecutive local days from `since` (the 30 before the range included), filled by binary
    // search; each window then slides over them, counting how many of its days hold each id
    const all = buckets(p.timezone, since, p.to, 'day');
    const perDay = all.map(() => ({ v: new Set<string>(), u: new Set<string>() }));
    for (const r of rows) {
      const d = perDay[bucketIndex(all, r.t)];
      if (!d) continue;
      d.v.add(r.v);
      if (r.u) d.u.add(r.u);
    }
    /** per day of `all`: how many distinct ids the `span` days ending there hold */
    const distinct = (span: number, ids: (d: (typeof perDay)[number]) => Set<string>) => {
      const daysHeld = new Map<string, number>(); // id → days of the window it was seen on
      return perDay.map((d, k) => {
        for (const x of ids(d)) daysHeld.set(x, (daysHeld.get(x) ?? 0) + 1);
        if (k >= span)
          for (const x of ids(perDay[k - span]!)) {
            const n = daysHeld.get(x)! - 1;
            if (n) daysHeld.set(x, n);
            else daysHeld.delete(x);
          }
        return daysHeld.size;
      });
    };
    const visitors = (span: number) => distinct(span, (d) => d.v);
    const users = (span: number) => distinct(span, (d) => d.u);
    const [dau, wau, mau] = [visitors(1), visitors(7), visitors(30)];
    const [dauUsers, wauUsers, mauUsers] = [users(1), users(7), users(30)];
    const at = new Map(all.map((b, k) => [b.key, k]));
    return {
      days: days.map((b) => {
        const k = at.get(b.key)!;
        return {
          day: b.key,
          dau: dau[k]!,
          wau: wau[k]!,
          mau: mau[k]!,
          dauUsers: dauUsers[k]!,
          wauUsers: wauUsers[k]!,
          mauUsers: mauUsers[k]!,
        };
      }),
    };
  }

  return { funnel, retention, active };
}
