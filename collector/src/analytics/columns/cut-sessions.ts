/**
 * Sessions a range or a bucket cuts: a report that counts a session wholly inside one bucket by
 * its counters reads the events of the others, over the merged windows of time they cover (a
 * session's events lie within [started_at, ended_at]). Shared by the breakdowns' pageview counts
 * (`reports.ts`) and the generic query by sessions (`query-sessions.ts`).
 */
import type { SiteColumns } from './store.js';

/**
 * Marks in `cut` (at ordinal + 1) the sessions passing `mask` that started before `from` and end
 * in or after it, and adds their [from, min(end + 1, to)) to `windows`.
 */
export function cutByStart(
  site: SiteColumns,
  from: number,
  to: number,
  mask: Uint8Array | null,
  cut: Uint8Array,
  windows: number[],
): void {
  const start = site.sStart.data;
  const end = site.sEnd.data;
  const smin = site.sBlocks.min.data;
  const emax = site.sEndBlocks.max.data;
  for (let blk = 0; blk < site.sBlocks.min.length; blk++) {
    if (smin[blk]! >= from || emax[blk]! < from) continue;
    const last = Math.min(site.sessions, (blk + 1) << site.sBlocks.shift);
    for (let s = blk << site.sBlocks.shift; s < last; s++) {
      if (start[s]! >= from || end[s]! < from || (mask && !mask[s + 1])) continue;
      cut[s + 1] = 1;
      windows.push(from, Math.min(end[s]! + 1, to));
    }
  }
}

/**
 * The rows to read for `windows`: merged where they overlap, in time order, as flat quadruples
 * (window start, window end, first row, row after the last) over the blocks of rows that hold
 * them; a row's time still has to be tested against its window.
 */
export function windowRows(site: SiteColumns, windows: number[]): number[] {
  const out: number[] = [];
  const merged = mergedWindows(windows);
  for (let w = 0; w < merged.length; w += 2) {
    const a = merged[w]!;
    const b = merged[w + 1]!;
    const r = site.eBlocks.ranges(a, b, false, site.events);
    for (let j = 0; j < r.length; j += 2) out.push(a, b, r[j]!, r[j + 1]!);
  }
  return out;
}

/** The [start, end) pairs of `windows` merged where they overlap, in time order. */
function mergedWindows(windows: number[]): number[] {
  const order = Array.from({ length: windows.length / 2 }, (_, i) => i).sort(
    (a, b) => windows[2 * a]! - windows[2 * b]!,
  );
  const merged: number[] = [];
  for (const i of order) {
    const a = windows[2 * i]!;
    const b = windows[2 * i + 1]!;
    if (merged.length && a <= merged.at(-1)!)
      merged[merged.length - 1] = Math.max(merged.at(-1)!, b);
    else merged.push(a, b);
  }
  return merged;
}
