import { describe, expect, it } from 'vitest';
import { BUDGET_KEY, createBudget } from './budget.js';

const memoryStore = () => {
  const m = new Map<string, string>();
  return {
    get: (k: string) => m.get(k) ?? null,
    set: (k: string, v: string) => void m.set(k, v),
    m,
  };
};

describe('per-session byte cap', () => {
  it('adds up across page loads of one session and refuses past the cap', () => {
    const store = memoryStore();
    expect(createBudget(store, () => 's1', 100).spend(60)).toBe(true);
    const next = createBudget(store, () => 's1', 100); // the next page of the session
    expect(next.spend(50)).toBe(false);
    expect(next.spend(40)).toBe(true);
    expect(store.m.get(BUDGET_KEY)).toBe('s1|100');
  });

  it('starts again for a new session', () => {
    const store = memoryStore();
    let sid = 's1';
    const b = createBudget(store, () => sid, 100);
    expect(b.spend(90)).toBe(true);
    sid = 's2';
    expect(b.spend(90)).toBe(true);
  });

  it('counts in memory without a session id or storage', () => {
    const store = memoryStore();
    const b = createBudget(store, () => '', 100);
    expect(b.spend(70)).toBe(true);
    expect(b.spend(70)).toBe(false);
    expect(store.m.size).toBe(0);
    const broken = createBudget({ get: () => null, set: () => {} }, () => 's', 100);
    expect(broken.spend(70)).toBe(true);
    expect(broken.spend(70)).toBe(false);
  });
});
