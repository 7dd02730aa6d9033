import { afterEach, describe, expect, it, vi } from 'vitest';

type Api = ((...a: unknown[]) => void) &
  Record<string, (...a: unknown[]) => void> & { q?: IArguments[] };
const win = window as unknown as { sightline?: Api };

afterEach(() => {
  delete win.sightline;
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** Loads script.ts as the browser would: its own <script> tag is document.currentScript. */
async function loadScript(attrs: Record<string, string>) {
  const bodies: unknown[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    bodies.push({ ...JSON.parse(String(init.body)), endpoint: url });
    return Promise.resolve(new Response(null, { status: 202 }));
  });
  const s = document.createElement('script');
  s.src = 'https://stats.example/script.js';
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  Object.defineProperty(document, 'currentScript', { value: s, configurable: true });
  await import('./script.js');
  return bodies;
}

const attrs = {
  'data-website-id': 'site-1',
  'data-allow-localhost': 'true',
  'data-allow-bots': 'true',
};

describe('script tag entry', () => {
  it('replays calls queued by the snippet stub, in order, then answers both call styles', async () => {
    // the README's stub
    win.sightline = function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      (win.sightline!.q = win.sightline!.q || []).push(arguments);
    } as unknown as Api;
    win.sightline('track', 'first', { n: 1 });
    win.sightline('identify', 'user-1');
    win.sightline('track', 'second');
    const sent = await loadScript(attrs);
    win.sightline!('track', 'third');
    win.sightline!.track!('fourth');
    const named = sent.map((b) => b as { name?: string; userId?: string; type: string });
    expect(named.map((b) => b.name ?? b.userId ?? b.type)).toEqual([
      'pageview',
      'first',
      'user-1',
      'second',
      'third',
      'fourth',
    ]);
    expect(sent[0]).toMatchObject({
      endpoint: 'https://stats.example/collect',
      websiteId: 'site-1',
    });
  });

  it('reads data-* attributes (api url defaults to the script origin)', async () => {
    const sent = await loadScript({
      ...attrs,
      'data-api-url': 'https://collector.example/',
      'data-auto-track': 'false',
    });
    win.sightline!.track!('x');
    expect(sent).toEqual([
      expect.objectContaining({ endpoint: 'https://collector.example/collect', name: 'x' }),
    ]);
  });

  it('starts over a stub that defines methods, replaying its queue; a second tag is ignored', async () => {
    const q: unknown[] = [];
    const stub = Object.assign((...a: unknown[]) => void q.push(a), {
      q,
      track: (...a: unknown[]) => void q.push(['track', ...a]),
    }) as unknown as Api;
    win.sightline = stub;
    stub.track!('queued', { n: 1 });
    const sent = await loadScript({ ...attrs, 'data-auto-track': 'false' });
    expect(win.sightline).not.toBe(stub);
    expect(sent).toEqual([expect.objectContaining({ type: 'custom', name: 'queued' })]);
    const started = win.sightline;
    vi.resetModules();
    await import('./script.js'); // the same tag again
    expect(win.sightline).toBe(started);
  });

  it('injects extras.js from the api url at once, whatever the autocapture flags (it carries the batch queue)', async () => {
    const injected = () =>
      [...document.querySelectorAll<HTMLScriptElement>('script[src$="/extras.js"]')].map(
        (s) => s.src,
      );
    document.querySelectorAll('script[src$=".js"]').forEach((s) => s.remove());
    await loadScript({ ...attrs, 'data-api-url': 'https://collector.example' });
    expect(injected()).toEqual(['https://collector.example/extras.js']);
    document.querySelectorAll('script[src$=".js"]').forEach((s) => s.remove());
    delete win.sightline;
    vi.resetModules();
    await loadScript({ ...attrs, 'data-extras': 'false' });
    expect(injected()).toEqual(['https://stats.example/extras.js']);
    document.querySelectorAll('script[src$=".js"]').forEach((s) => s.remove());
    delete win.sightline;
    vi.resetModules();
    await loadScript({
      ...attrs,
      'data-extras': 'false',
      'data-track-clicks': 'false',
      'data-track-scroll': 'false',
      'data-track-outbound': 'false',
    });
    expect(injected()).toEqual(['https://stats.example/extras.js']);
    // only where tracking is on: not for a page without a website id
    document.querySelectorAll('script[src$=".js"]').forEach((s) => s.remove());
    delete win.sightline;
    vi.resetModules();
    await loadScript({ 'data-allow-localhost': 'true', 'data-allow-bots': 'true' });
    expect(injected()).toEqual([]);
  });

  it('does nothing without a website id except install a harmless API', async () => {
    const sent = await loadScript({ 'data-allow-localhost': 'true', 'data-allow-bots': 'true' });
    win.sightline!.track!('x');
    expect(sent).toEqual([]);
  });
});
