/**
 * Growable typed-array columns for the column store: appended to at ingest, read by index in
 * report scans. `IdColumn` holds dictionary ids as `Uint16` until an id needs more, then widens
 * to `Uint32` once (most dimensions have far fewer than 65 535 values). `Blocks` keeps the
 * min/max of a time column per block of rows, so a range scan reads only the blocks that overlap
 * it (rows arrive nearly, not exactly, in time order).
 */

type Typed = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
/** A typed-array constructor that can take shared memory (`sharedArray`). */
export type Ctor<T extends Typed> = { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/**
 * `n` zeroed entries on shared memory: the helper thread (`helper-thread.ts`) reads the columns
 * where the request's thread hands it half of a scan.
 */
export function sharedArray<T extends Typed>(ctor: Ctor<T>, n: number): T {
  return new ctor(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT));
}

const INITIAL = 1024;

/** A typed array with a length and amortized doubling. */
export class Growable<T extends Typed> {
  data: T;
  length = 0;
  constructor(
    private readonly ctor: Ctor<T>,
    capacity = INITIAL,
  ) {
    this.data = sharedArray(ctor, Math.max(capacity, 16));
  }

  push(v: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = v;
    return this.length++;
  }

  /** Ensures room for `n` rows in total. */
  grow(n: number): void {
    if (n <= this.data.length) return;
    const next = sharedArray(this.ctor, Math.max(n, this.data.length * 2));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  /** Shrinks the capacity to the length and `headroom` more (after a build). */
  fit(headroom = 1 / 8): void {
    const n = Math.max(16, Math.ceil(this.length * (1 + headroom)));
    if (n >= this.data.length) return;
    const next = sharedArray(this.ctor, n);
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  /** Bytes held (capacity, not length). */
  get bytes(): number {
    return this.data.byteLength;
  }

  /** For ascending contents (row lists): the first index whose value is at least `v`. */
  firstAtLeast(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A pool of scratch arrays reused across queries: `scratch(name, ctor, n, fill)` is `n` entries
 * of the array `name`, set to `fill` (`null`: as the last query left them, for a caller that
 * sets each part before it reads it). Megabytes allocated per query bring collections of an old
 * generation holding millions of id strings (a 155 ms pause was seen at 10 M events). On shared
 * memory, so a report can hand any of them to the helper thread.
 */
export function scratchPool() {
  const pool = new Map<string, Typed>();
  return function scratch<T extends Typed>(
    name: string,
    ctor: Ctor<T>,
    n: number,
    fill: number | null = 0,
  ): T {
    let a = pool.get(name) as T | undefined;
    if (!a || a.length < n)
      pool.set(name, (a = sharedArray(ctor, Math.max(n, (a?.length ?? 0) * 2, 64))));
    const view = a.subarray(0, n) as T;
    if (fill !== null) view.fill(fill);
    return view;
  };
}

/** A condition as 0 or 1, for branch-free scans (V8 keeps it a compare and a move). */
export const bit = (b: boolean): number => b as unknown as number;

/** Set bits of a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The row lists of the ids that `ok` passes (views of their growable lists). */
export function listed(lists: (Growable<Int32Array> | undefined)[], ok: Uint8Array): Int32Array[] {
  const out: Int32Array[] = [];
  for (let id = 0; id < Math.min(ok.length, lists.length); id++) {
    const l = lists[id];
    if (ok[id] && l && l.length) out.push(l.data.subarray(0, l.length));
  }
  return out;
}

/** One ascending list of the rows of several ascending lists (merged pairwise). */
export function mergeRows(parts: Int32Array[]): Int32Array {
  let queue = parts;
  while (queue.length > 1) {
    const next: Int32Array[] = [];
    for (let k = 0; k < queue.length; k += 2) {
      const a = queue[k]!;
      const b = queue[k + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out = new Int32Array(a.length + b.length);
      let i = 0;
      let j = 0;
      let n = 0;
      while (i < a.length && j < b.length) out[n++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
      while (i < a.length) out[n++] = a[i++]!;
      while (j < b.length) out[n++] = b[j++]!;
      next.push(out);
    }
    queue = next;
  }
  return queue[0] ?? new Int32Array(0);
}

/** Dictionary ids: `Uint16` while every id fits, then `Uint32`. */
export class IdColumn {
  data: Uint16Array | Uint32Array = sharedArray(Uint16Array, INITIAL);
  length = 0;

  push(id: number): void {
    if (this.length === this.data.length) this.resize(this.data.length * 2, this.data);
    if (id > 0xffff && this.data instanceof Uint16Array) this.widen();
    this.data[this.length++] = id;
  }

  set(i: number, id: number): void {
    if (id > 0xffff && this.data instanceof Uint16Array) this.widen();
    this.data[i] = id;
  }

  /** Shrinks the capacity to the length and `headroom` more (after a build). */
  fit(headroom = 1 / 8): void {
    const n = Math.max(16, Math.ceil(this.length * (1 + headroom)));
    if (n < this.data.length) this.resize(n, this.data);
  }

  private widen(): void {
    const next = sharedArray(Uint32Array, this.data.length);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  private resize(n: number, from: Uint16Array | Uint32Array): void {
    const next =
      from instanceof Uint16Array ? sharedArray(Uint16Array, n) : sharedArray(Uint32Array, n);
    next.set(from.subarray(0, this.length));
    this.data = next;
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}

/** log2 of the rows per block of {@link Blocks} (4096; tests use smaller blocks). */
export const BLOCK_SHIFT = 12;

/**
 * Min and max of a time column per block of `1 << shift` rows. Only ever widened (a row's time
 * may move, e.g. a session starting earlier): a block's bounds always hold its rows' times.
 */
export class Blocks {
  readonly min = new Growable(Float64Array, 64);
  readonly max = new Growable(Float64Array, 64);
  constructor(readonly shift = BLOCK_SHIFT) {}

  /** Row `i` holds time `t` (rows are added in order; existing rows may be widened). */
  note(i: number, t: number): void {
    const b = i >>> this.shift;
    while (this.min.length <= b) {
      this.min.push(Infinity);
      this.max.push(-Infinity);
    }
    if (t < this.min.data[b]!) this.min.data[b] = t;
    if (t > this.max.data[b]!) this.max.data[b] = t;
  }

  /**
   * The row ranges `[start0, end0, start1, end1, …]` of the blocks that may hold a time in
   * [from, to] (`to` inclusive when `inclusive`, else exclusive), `rows` being the column length.
   */
  ranges(from: number, to: number, inclusive: boolean, rows: number): number[] {
    const min = this.min.data;
    const max = this.max.data;
    const n = this.min.length;
    const out: number[] = [];
    let runStart = -1;
    for (let b = 0; b < n; b++) {
      const hit = max[b]! >= from && (inclusive ? min[b]! <= to : min[b]! < to);
      if (hit) {
        if (runStart < 0) runStart = b;
      } else if (runStart >= 0) {
        out.push(runStart << this.shift, Math.min(rows, b << this.shift));
        runStart = -1;
      }
    }
    if (runStart >= 0) out.push(runStart << this.shift, Math.min(rows, n << this.shift));
    return out;
  }

  /**
   * The row ranges of the blocks that may hold a time in [from, to), as triples `[start, end,
   * inner, …]`: `inner` is 1 when every time of the range's blocks is in [from, to) (its rows
   * need no time test), else 0. Neighbouring blocks of one kind are one range.
   */
  spans(from: number, to: number, rows: number): number[] {
    const min = this.min.data;
    const max = this.max.data;
    const n = this.min.length;
    const out: number[] = [];
    let runStart = -1;
    let runInner = 0;
    const close = (b: number) => {
      out.push(runStart << this.shift, Math.min(rows, b << this.shift), runInner);
      runStart = -1;
    };
    for (let b = 0; b < n; b++) {
      const lo = min[b]!;
      const hi = max[b]!;
      if (!(hi >= from && lo < to)) {
        if (runStart >= 0) close(b);
        continue;
      }
      const inner = lo >= from && hi < to ? 1 : 0;
      if (runStart >= 0 && inner !== runInner) close(b);
      if (runStart < 0) ((runStart = b), (runInner = inner));
    }
    if (runStart >= 0) close(n);
    return out;
  }

  fit(): void {
    this.min.fit();
    this.max.fit();
  }

  get bytes(): number {
    return this.min.bytes + this.max.bytes;
  }
}
