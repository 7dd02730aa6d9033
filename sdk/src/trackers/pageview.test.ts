import { describe, expect, it } from 'vitest';
import { fakeWindow, startTracker } from '../../test/fakes.js';

const paths = (env: ReturnType<typeof startTracker>['env']) =>
  env
    .collects()
    .filter((p) => p.type == 'pageview')
    .map((p) => new URL(p.href).pathname + new URL(p.href).search + new URL(p.href).hash);

describe('pageviews', () => {
  it('counts the load, pushState, path-changing replaceState and popstate, never twice in a row', async () => {
    const { w, env } = startTracker();
    const h = w.history;
    h.pushState({}, '', '/a');
    h.pushState({}, '', '/a'); // same URL
    h.replaceState({}, '', '/a?tab=2'); // same path
    h.replaceState({}, '', '/b'); // new path
    w.location.hash = 'section'; // no hash routing
    w.dispatchEvent(new w.Event('hashchange'));
    h.replaceState({}, '', '/a');
    w.dispatchEvent(new w.PopStateEvent('popstate'));
    expect(paths(env)).toEqual(['/', '/a', '/b', '/a']);
  });

  it('sets the referrer of SPA pageviews to the previous page', () => {
    const { w, env } = startTracker();
    w.history.pushState({}, '', '/next');
    const [first, second] = env.collects();
    expect(first?.referrer).toBeNull();
    expect(second).toMatchObject({
      href: 'https://site.example/next',
      referrer: 'https://site.example/',
    });
  });

  it('counts #/route changes only with hash routing', () => {
    for (const hashRouting of [false, true]) {
      const { w, env } = startTracker({ hashRouting });
      w.location.hash = '#/settings';
      w.dispatchEvent(new w.Event('hashchange'));
      w.dispatchEvent(new w.Event('hashchange')); // unchanged
      expect(paths(env)).toEqual(hashRouting ? ['/', '/#/settings'] : ['/']);
    }
  });

  it('with hash routing, a plain #anchor is not a route: no pageview, and it is not kept in the URL', () => {
    const { w, env } = startTracker({ hashRouting: true });
    w.location.hash = '#pricing-table';
    w.dispatchEvent(new w.Event('hashchange'));
    w.location.hash = '#!/legacy-route';
    w.dispatchEvent(new w.Event('hashchange'));
    w.location.hash = '#faq';
    w.dispatchEvent(new w.Event('hashchange'));
    expect(paths(env)).toEqual(['/', '/#!/legacy-route', '/']);
  });

  it('counts a bfcache restore (pageshow persisted) even on the same URL, not a plain pageshow', () => {
    const { w, env } = startTracker();
    const show = (persisted: boolean) => {
      const e = new w.Event('pageshow');
      Object.defineProperty(e, 'persisted', { value: persisted });
      w.dispatchEvent(e);
    };
    show(false);
    show(true);
    expect(paths(env)).toEqual(['/', '/']);
  });

  it('drops the query string with excludeSearch, keeps it otherwise', () => {
    const w1 = fakeWindow('https://site.example/p?utm_source=x');
    expect(startTracker({ excludeSearch: true }, { w: w1 }).env.collects()[0]?.href).toBe(
      'https://site.example/p',
    );
    const w2 = fakeWindow('https://site.example/p?utm_source=x');
    expect(startTracker({}, { w: w2 }).env.collects()[0]?.href).toBe(
      'https://site.example/p?utm_source=x',
    );
  });

  it('with autoTrack off counts only manual pageviews, relative or absolute', () => {
    const { w, env, t } = startTracker({ autoTrack: false });
    w.history.pushState({}, '', '/a');
    expect(env.collects()).toEqual([]);
    t.pageview('/virtual/step-2');
    t.pageview();
    expect(paths(env)).toEqual(['/virtual/step-2', '/a']);
  });

  it('a pageview carries the payload fields of SPEC §3.2', () => {
    const { env } = startTracker();
    const p = env.collects()[0]!;
    expect(p).toMatchObject({
      type: 'pageview',
      websiteId: 'site-1',
      domain: 'site.example',
      href: 'https://site.example/',
      referrer: null,
      viewport: { width: 1280, height: 800 },
      screen: expect.stringMatching(/^\d+x\d+$/),
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: env.now(),
      visitorId: expect.any(String),
      sessionId: expect.any(String),
    });
    expect(env.posts[0]?.url).toBe('https://stats.example/collect');
  });

  it('a throwing page history call stays the page’s own: our failures never surface there', () => {
    const { w, env } = startTracker();
    env.uuid = () => {
      throw new Error('boom');
    };
    expect(() => w.history.pushState({}, '', '/x')).not.toThrow();
    expect(w.location.pathname).toBe('/x');
  });
});
