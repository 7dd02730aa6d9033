// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { init, noopTracker } from './index.js';

describe('npm entry outside a browser (SSR)', () => {
  it('init returns a no-op tracker whose methods do nothing and do not throw', () => {
    expect(typeof window).toBe('undefined');
    const t = init({ websiteId: 'site-1' });
    expect(t).toBe(noopTracker);
    expect(() => {
      t.track('x');
      t.identify('u');
      t.pageview();
      t.flush();
      t.optOut();
      t.optIn();
      t.startReplay();
      t.stopReplay();
    }).not.toThrow();
  });
});
