import { describe, expect, it } from 'vitest';
import { fakeEnv, fakeWindow, startTracker } from '../test/fakes.js';
import { createIds, SESSION_IDLE_MS } from './session.js';

describe('sessions', () => {
  it('keeps the session while active and rotates it after 30 minutes idle; the visitor stays', async () => {
    const env = fakeEnv();
    const ids = createIds(env, false);
    const a = ids();
    await env.advance(SESSION_IDLE_MS - 1);
    const b = ids(); // activity just in time
    await env.advance(SESSION_IDLE_MS - 1);
    expect(ids()).toEqual(b);
    expect(b).toEqual(a);
    await env.advance(SESSION_IDLE_MS);
    const c = ids();
    expect(c.sessionId).not.toBe(a.sessionId);
    expect(c.visitorId).toBe(a.visitorId);
  });

  it('is shared by two tabs of one browser (one storage)', () => {
    const storage = new Map<string, string>();
    const tab1 = startTracker({}, { env: fakeEnv(storage) });
    const tab2 = startTracker(
      {},
      { env: fakeEnv(storage), w: fakeWindow('https://site.example/other') },
    );
    const [p1] = tab1.env.collects();
    const [p2] = tab2.env.collects();
    expect(p2?.sessionId).toBe(p1?.sessionId);
    expect(p2?.visitorId).toBe(p1?.visitorId);
  });

  it('cookieless: stores nothing, sends no ids, flags the payload', async () => {
    const { env, t } = startTracker({ cookieless: true });
    t.track('x');
    env.status = 503; // even a failed send is not persisted
    t.track('y');
    await env.settle();
    expect([...env.storage.keys()]).toEqual([]);
    for (const p of env.collects()) {
      expect(p.visitorId).toBeUndefined();
      expect(p.sessionId).toBeUndefined();
      expect(p.cookieless).toBe(true);
    }
  });
});
