/**
 * Streamed exports of events and sessions as CSV or NDJSON. Rows are read in keyset pages of
 * 1000 (no long-lived cursor holds the connection between writes) and written as they come, so
 * memory stays flat whatever the size of the export.
 */
import type Database from 'better-sqlite3';

export type ExportFormat = 'csv' | 'ndjson';

const PAGE = 1000;

export const eventColumns = [
  'ts',
  'id',
  'session_id',
  'visitor_id',
  'user_id',
  'type',
  'name',
  'path',
  'hostname',
  'title',
  'referrer',
  'scroll_depth',
  'engaged_ms',
  'props',
] as const;

export const sessionColumns = [
  'id',
  'visitor_id',
  'user_id',
  'started_at',
  'ended_at',
  'pageviews',
  'clicks',
  'events',
  'entry_path',
  'exit_path',
  'hostname',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'browser',
  'browser_version',
  'os',
  'device',
  'screen',
  'language',
  'country',
  'replay_chunks',
  'replay_bytes',
] as const;

/**
 * One CSV cell: quoted when it holds a quote, comma or line break; text a spreadsheet would run
 * as a formula (`= + - @`, tab, CR first) gets a leading `'` (CSV injection).
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Pages of rows ordered by a unique key, as text lines in the format, header first (CSV). */
export async function* exportLines(
  sqlite: Database.Database,
  kind: 'events' | 'sessions',
  websiteId: string,
  from: number,
  to: number,
  format: ExportFormat,
): AsyncGenerator<string> {
  const columns = kind === 'events' ? eventColumns : sessionColumns;
  const time = kind === 'events' ? 'ts' : 'started_at';
  const stmt = sqlite.prepare(
    `SELECT ${columns.join(', ')} FROM ${kind}
     WHERE website_id = ? AND ${time} >= ? AND ${time} < ? AND (${time} > ? OR (${time} = ? AND id > ?))
     ORDER BY ${time}, id LIMIT ${PAGE}`,
  );
  if (format === 'csv') yield columns.join(',') + '\r\n';
  let cursor: [number, string] = [-1, ''];
  for (;;) {
    const rows = stmt.all(websiteId, from, to, cursor[0], cursor[0], cursor[1]) as Record<
      string,
      unknown
    >[];
    if (rows.length === 0) return;
    let chunk = '';
    for (const r of rows) {
      if (format === 'csv') chunk += columns.map((c) => csvCell(r[c])).join(',') + '\r\n';
      else {
        if (kind === 'events' && typeof r.props === 'string') r.props = JSON.parse(r.props);
        chunk += JSON.stringify(r) + '\n';
      }
    }
    yield chunk;
    const last = rows.at(-1)!;
    cursor = [last[time] as number, last.id as string];
    if (rows.length < PAGE) return;
    // let other requests run between pages
    await new Promise((r) => setImmediate(r));
  }
}
