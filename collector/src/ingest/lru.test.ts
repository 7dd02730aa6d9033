import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('holds at most its capacity, dropping the entry unused the longest', () => {
    const lru = new Lru<string, number>(4);
    for (const k of ['a', 'b', 'c', 'd']) lru.set(k, k.charCodeAt(0));
    lru.set('e', 5);
    expect(lru.size).toBe(4);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe(98);
  });

  it('keeps a key that is used while newer keys come and go', () => {
    const lru = new Lru<string, number>(8);
    lru.set('hot', 1);
    for (let i = 0; i < 100; i++) {
      lru.set(`cold${i}`, i);
      expect(lru.get('hot')).toBe(1);
    }
    expect(lru.size).toBe(8);
    expect(lru.get('cold99')).toBe(99);
    expect(lru.get('cold0')).toBeUndefined();
  });

  it('set replaces a value in place of the old one', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);
  });
});
