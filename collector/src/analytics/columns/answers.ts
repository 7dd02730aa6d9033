/**
 * The column reports of one store, created once: the SQL-side reports, the behaviour reports and
 * the generic query route all answer through the same instances, so the scratch arrays each keeps
 * (sized to the store's rows: tens of megabytes at 10 M events) exist once per store, not per caller.
 */
import { createMoreReports } from './more-reports.js';
import { createColumnQuery } from './query.js';
import { createColumnReports } from './reports.js';
import type { ColumnStore } from './store.js';

function create(store: ColumnStore) {
  const core = createColumnReports(store);
  return {
    core,
    more: createMoreReports(store, core.scans),
    query: createColumnQuery(store, core.scans),
  };
}

export type ColumnAnswers = ReturnType<typeof create>;

const cache = new WeakMap<ColumnStore, ColumnAnswers>();

export function columnAnswers(store: ColumnStore): ColumnAnswers {
  let a = cache.get(store);
  if (!a) cache.set(store, (a = create(store)));
  return a;
}
