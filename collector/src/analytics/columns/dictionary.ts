/**
 * Dictionary coding of the column store's strings (paths, event names and types, each session
 * dimension): every distinct string gets a dense id from 1, id 0 is NULL. Filters are evaluated
 * once per dictionary value into a table of booleans by id, so a scan compares integers.
 */
import { filterMatches, type Filter } from '../filters.js';

export class Dictionary {
  private readonly ids = new Map<string, number>();
  /** values by id; [0] is null */
  readonly values: (string | null)[] = [null];
  private readonly tables = new Map<string, Uint8Array>();

  id(value: string | null): number {
    if (value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  /** The id of `value` when it is known, else undefined (no new id). */
  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  get size(): number {
    return this.values.length;
  }

  /** 1 for the ids whose value passes `f` (NULL included), by id; covers every id so far. */
  matches(f: Filter): Uint8Array {
    const key = `${f.op}\u0000${f.values.join('\u0000')}`;
    const old = this.tables.get(key);
    if (old && old.length === this.values.length) return old;
    const table = new Uint8Array(this.values.length);
    let from = 0;
    if (old) {
      table.set(old);
      from = old.length;
    }
    for (let id = from; id < this.values.length; id++)
      table[id] = filterMatches(f, this.values[id]!) ? 1 : 0;
    if (this.tables.size > 256) this.tables.clear();
    this.tables.set(key, table);
    return table;
  }

  /** Rough bytes held by the strings and the map (for the memory report). */
  get bytes(): number {
    let chars = 0;
    for (const v of this.values) if (v) chars += v.length;
    return chars + this.values.length * 64;
  }
}

/**
 * SQLite's BINARY collation over UTF-8 (byte order), i.e. code point order, for valid strings;
 * NULL first (as `ORDER BY value` puts it). JavaScript's `<` compares UTF-16 code units, which
 * differs where a character above U+FFFF meets one in U+E000–U+FFFF.
 */
export function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}
