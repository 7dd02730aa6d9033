import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows the burst, then answers how long to wait, and refills over time', () => {
    const r = new RateLimiter({ perSecond: 2, burst: 3 });
    expect([0, 1, 2].map(() => r.take('ip', 0))).toEqual([0, 0, 0]);
    expect(r.take('ip', 0)).toBe(1);
    expect(r.take('other', 0)).toBe(0); // keys are independent
    expect(r.take('ip', 500)).toBe(0); // one token back after half a second
    expect(r.take('ip', 500)).toBe(1);
    expect(r.take('ip', 10_000)).toBe(0);
  });

  it('a slow rate asks for a longer wait', () => {
    const r = new RateLimiter({ perSecond: 0.1, burst: 1 });
    expect(r.take('k', 0)).toBe(0);
    expect(r.take('k', 0)).toBe(10);
  });

  it('a clock that steps back neither refills nor drains', () => {
    const r = new RateLimiter({ perSecond: 1, burst: 2 });
    expect(r.take('k', 10_000)).toBe(0);
    expect(r.take('k', 5_000)).toBe(0);
    expect(r.take('k', 5_000)).toBe(1);
    expect(r.take('k', 11_000)).toBe(0);
  });

  it('perSecond 0 turns it off', () => {
    const r = new RateLimiter({ perSecond: 0, burst: 0 });
    for (let i = 0; i < 100; i++) expect(r.take('k', 0)).toBe(0);
  });

  it('keeps memory bounded', () => {
    const r = new RateLimiter({ perSecond: 1, burst: 5 }, 100);
    for (let i = 0; i < 1000; i++) r.take(`ip${i}`, i);
    expect(r.size).toBeLessThanOrEqual(100);
  });
});
