/**
 * Token buckets per key (an IP, a website id), in memory: a bucket holds up to `burst` tokens
 * and refills at `perSecond`; each request takes one. Memory is bounded: past `maxKeys` buckets,
 * the full ones (idle long enough to have refilled) are dropped, then the oldest. With several
 * collectors behind a load balancer each one limits on its own (see docs/config.md).
 */
export interface RateLimit {
  /** sustained requests per second; 0 turns the limit off */
  perSecond: number;
  /** requests allowed at once before the rate applies */
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token for `key`: 0 when allowed, else the whole seconds to wait (`Retry-After`). */
  take(key: string, now: number): number {
    const { perSecond, burst } = this.limit;
    if (perSecond <= 0) return 0;
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    } else {
      // a clock that steps back refills nothing (and takes nothing back)
      b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) * perSecond) / 1000);
      b.at = Math.max(b.at, now);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }

  private evict(now: number): void {
    const { perSecond, burst } = this.limit;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * perSecond) / 1000 >= burst) this.buckets.delete(k);
    }
    // still full of busy keys: drop the oldest half (Map keeps insertion order)
    if (this.buckets.size >= this.maxKeys) {
      let drop = this.buckets.size >> 1;
      for (const k of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
