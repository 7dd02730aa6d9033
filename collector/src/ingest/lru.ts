/**
 * A small least-recently-used cache over `Map` insertion order. A hit moves an entry to the end
 * only once it has aged past half the capacity: moving means delete + set, and every few of those
 * make the `Map` rebuild its table — ~55 B of garbage per hit that survives into the old
 * generation (the table belongs to a long-lived map), on every ingest request. Hot keys therefore
 * stay put, and an entry still leaves only after `capacity` newer insertions without a hit.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; at: number }>();
  /** insertions so far (sets and moves): an entry's age is `clock - at` */
  private clock = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (this.clock - e.at > this.capacity >> 1) {
      this.map.delete(key);
      e.at = ++this.clock;
      this.map.set(key, e);
    }
    return e.value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, at: ++this.clock });
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
