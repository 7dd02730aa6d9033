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
import { DAY, buckets } from './time.js';
import {
  activeWindows,
  funnelReached,
  retentionCounts,
  type SessionRows,
  type Touches,
} from './columns/behaviour.js';
import { columnAnswers } from './columns/answers.js';
import { funnelOfPlan } from './columns/funnel-touches.js';
import type { ColumnStore } from './columns/store.js';

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

/** Dense ordinals of strings, in order of first sight. */
function ordinals() {
  const map = new Map<string, number>();
  return {
    of(id: string): number {
      let n = map.get(id);
      if (n === undefined) map.set(id, (n = map.size));
      return n;
    },
    get size() {
      return map.size;
    },
  };
}

/** Sessions read from SQL as the columns the counting functions take. */
function sessionRows(rows: { v: string; u?: string | null; t: number }[]): SessionRows {
  const visitors = ordinals();
  const users = ordinals(); // 0 is "none"
  users.of('');
  const out = {
    length: rows.length,
    startedAt: new Float64Array(rows.length),
    visitor: new Int32Array(rows.length),
    user: new Int32Array(rows.length),
  };
  rows.forEach((r, i) => {
    out.startedAt[i] = r.t;
    out.visitor[i] = visitors.of(r.v);
    out.user[i] = r.u ? users.of(r.u) : 0;
  });
  return { ...out, visitors: visitors.size, users: users.size };
}

/**
 * Where the rows of the behaviour reports can come from instead of SQL: the column store answers
 * with the same rows (as columns), or null when it cannot (not built yet, a filter it lacks).
 */
export interface BehaviourRows {
  /** sessions started in [from, to) that pass the filters */
  sessions(p: ReportParams, from: number, to: number): SessionRows | null;
  /** the events of [p.from, p.to) that pass the filters and match a step */
  touches(p: ReportParams, steps: FunnelStep[]): Touches | null;
}

function funnelResult(steps: FunnelStep[], reached: number[], windowMs: number) {
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

/** The behaviour reports over `sqlite`, reading their rows from the column store when it can. */
export function createBehaviour(sqlite: Database.Database, store: ColumnStore | null = null) {
  const more = store ? columnAnswers(store).more : null;
  const columns: BehaviourRows | null = more
    ? { sessions: more.sessionRows, touches: more.touches }
    : null;
  /** The events that match a step, from SQL: visitors as ordinals, ties in arrival order. */
  function sqlTouches(p: ReportParams, steps: FunnelStep[]): Touches {
    const e = eventFrom(
      p.websiteId,
      between(p.from, p.to),
      p.filters,
      idMatchSpan(sqlite, p.websiteId, [p.from, p.to]),
    );
    const only = stepRows(steps);
    const rows = sqlite
      .prepare(
        `SELECT e.visitor_id AS visitor, e.rowid AS r, e.ts, e.type, e.name, e.path ${e.sql}
         AND ${only.sql} ORDER BY e.visitor_id, e.ts, e.rowid`,
      )
      .all(...e.params, ...only.params) as (Touch & { r: number })[];
    const match = steps.map(matcher);
    const visitors = ordinals();
    const t: Touches = {
      length: rows.length,
      visitor: new Uint32Array(rows.length),
      ts: new Float64Array(rows.length),
      order: new Float64Array(rows.length),
      steps: new Uint16Array(rows.length),
      visitors: 0,
    };
    rows.forEach((r, i) => {
      t.visitor[i] = visitors.of(r.visitor);
      t.ts[i] = r.ts;
      t.order[i] = r.r;
      let bits = 0;
      match.forEach((m, k) => (bits |= m(r) ? 1 << k : 0));
      t.steps[i] = bits;
    });
    t.visitors = visitors.size;
    return t;
  }

  function funnel(p: ReportParams, steps: FunnelStep[], windowMs: number) {
    const touches = columns?.touches(p, steps) ?? sqlTouches(p, steps);
    const reached = touches.plan
      ? funnelOfPlan(touches.plan, steps.length, windowMs)
      : funnelReached(touches, steps.length, windowMs);
    return funnelResult(steps, reached, windowMs);
  }

  /** Sessions started in [from, to) that pass the filters: visitor, user and start. */
  function sessions(p: ReportParams, from: number, to: number): SessionRows {
    const found = columns?.sessions(p, from, to);
    if (found) return found;
    const s = sessionWhere(p.websiteId, between(from, to), p.filters, [from, to]);
    return sessionRows(
      sqlite
        .prepare(
          `SELECT s.visitor_id AS v, s.user_id AS u, s.started_at AS t FROM sessions s WHERE ${s.sql}`,
        )
        .all(...s.params) as { v: string; u: string | null; t: number }[],
    );
  }

  /** Visitors grouped by the day or week of their first visit, and who came back after. */
  function retention(p: ReportParams, period: 'day' | 'week', periods: number) {
    const list = buckets(p.timezone, p.from, p.to, period);
    // every session before `to`: a visitor first seen before `from` is in no cohort
    const c = retentionCounts(sessions(p, -8.64e15, p.to), list, p.from, p.to, periods);
    return {
      period,
      cohorts: list.map((b, ci) => ({
        cohort: b.key,
        visitors: c.visitors[ci]!,
        retention: c.returning[ci]!.slice(0, Math.min(periods, list.length - 1 - ci) + 1).map(
          (n, k) => ({
            period: k,
            visitors: n,
            rate: c.visitors[ci] ? Math.round((1000 * n) / c.visitors[ci]!) / 10 : 0,
          }),
        ),
      })),
    };
  }

  /** Per local day: visitors (and identified users) active that day, that week, that month. */
  function active(p: ReportParams) {
    const days = buckets(p.timezone, p.from, p.to, 'day');
    const since = p.from - 31 * DAY;
    const rows = sessions(p, since, p.to);
    // consecutive local days from `since` (the 30 before the range included)
    const all = buckets(p.timezone, since, p.to, 'day');
    const at = new Map(all.map((b, k) => [b.key, k]));
    const first = days.length ? at.get(days[0]!.key)! : all.length; // the windows answered
    const { visitors, users } = activeWindows(rows, all, [1, 7, 30], first);
    const [dau, wau, mau] = visitors;
    const [dauUsers, wauUsers, mauUsers] = users;
    return {
      days: days.map((b) => {
        const k = at.get(b.key)!;
        return {
          day: b.key,
          dau: dau![k]!,
          wau: wau![k]!,
          mau: mau![k]!,
          dauUsers: dauUsers![k]!,
          wauUsers: wauUsers![k]!,
          mauUsers: mauUsers![k]!,
        };
      }),
    };
  }

  return { funnel, retention, active };
}
