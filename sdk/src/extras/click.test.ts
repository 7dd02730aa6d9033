import { describe, expect, it } from 'vitest';
import { extrasPage, heldExtras, startTracker } from '../../test/fakes.js';
import { clickOf, selectorOf, textOf } from './click.js';

const page = extrasPage;

describe('clicks (extras)', () => {
  it('records tag, id, class, trimmed text, selector, x/y and href', async () => {
    const p = await page(
      '<nav id="top"><a class="nav link extra" href="/about"><span>  About\n  us </span></a></nav>',
    );
    p.click('span');
    const [click] = await p.flushed();
    expect(click).toMatchObject({
      type: 'click',
      tag: 'A',
      class: 'nav link extra',
      text: 'About us',
      selector: '#top>a.nav.link',
      href: 'https://site.example/about',
      x: expect.any(Number),
      y: expect.any(Number),
      url: 'https://site.example/',
    });
    expect(click?.eventId).toBeTruthy();
  });

  it('keeps text to 100 chars and never reads a form field', async () => {
    const p = await page(
      `<button id="b">${'x'.repeat(300)}</button><textarea id="t">secret</textarea><input id="i" value="secret2">`,
    );
    p.click('#b');
    p.click('#t');
    p.click('#i');
    const [b, t, i] = await p.flushed();
    expect((b as { text: string }).text).toHaveLength(100);
    expect(JSON.stringify([t, i])).not.toMatch(/secret/);
    expect(t).toMatchObject({ tag: 'TEXTAREA', id: 't' });
  });

  it('records outbound only for links to another host', async () => {
    const p = await page(
      '<a id="in" href="/x">in</a><a id="out" href="https://other.example/">Elsewhere</a><a id="mail" href="mailto:a@b.c">mail</a>',
    );
    p.click('#in');
    p.click('#out');
    p.click('#mail');
    const outbound = (await p.flushed()).filter((e) => e.type == 'outbound');
    expect(outbound).toEqual([
      expect.objectContaining({ href: 'https://other.example/', text: 'Elsewhere' }),
    ]);
    const off = await page('<a id="out" href="https://other.example/">x</a>', {
      trackOutbound: false,
    });
    off.click('#out');
    expect((await off.flushed()).map((e) => e.type)).toEqual(['click']);
  });

  it('trackClicks off records nothing', async () => {
    const p = await page('<button>b</button>', { trackClicks: false });
    p.click('button');
    expect(await p.flushed()).toEqual([]);
  });
});

describe('clicks before the extras arrive', () => {
  /** A page whose extras are still on their way (`loaded()` lets them arrive). */
  function loading(html: string, options = {}) {
    const held = heldExtras();
    const s = startTracker(options, { load: held.load });
    s.d.body.innerHTML = html;
    const click = (sel: string) =>
      s.d
        .querySelector(sel)!
        .dispatchEvent(new s.w.MouseEvent('click', { bubbles: true, cancelable: true }));
    const loaded = async () => {
      held.release();
      await s.env.settle();
    };
    const flushed = async () => {
      s.t.flush();
      await s.env.settle();
      return s.env.events();
    };
    return { ...s, click, loaded, flushed };
  }

  it('are recorded once, with their fields, time and page url, when the extras start', async () => {
    const p = loading(
      '<nav id="top"><a class="nav" href="https://other.example/x"><b>Away</b></a></nav><button id="b">Go</button>',
    );
    // the link opens elsewhere without leaving (a page left before the extras arrive loses them)
    p.d.querySelector('a')!.addEventListener('click', (e) => e.preventDefault());
    const clickedAt = p.env.now();
    p.click('b');
    await p.env.advance(1500);
    p.w.history.pushState({}, '', '/next'); // an SPA pageview before the extras arrive
    p.click('#b');
    await p.env.advance(1500);
    // nothing batched yet: the clicks wait for the extras, which bring the batch queue too
    expect(await p.flushed()).toEqual([]);
    expect(p.env.posts.filter((x) => x.url.endsWith('/api/events'))).toEqual([]);
    await p.loaded();
    p.click('#b'); // after: from the extras' own listener
    const events = (await p.flushed()).filter((e) => e.type != 'scroll');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'click',
        tag: 'A',
        class: 'nav',
        text: 'Away',
        selector: '#top>a.nav',
        href: 'https://other.example/x',
        x: expect.any(Number),
        y: expect.any(Number),
        timestamp: clickedAt,
        url: 'https://site.example/',
        eventId: expect.any(String),
      }),
      expect.objectContaining({
        type: 'outbound',
        href: 'https://other.example/x',
        text: 'Away',
        timestamp: clickedAt,
        url: 'https://site.example/',
      }),
      expect.objectContaining({
        type: 'click',
        id: 'b',
        timestamp: clickedAt + 1500,
        url: 'https://site.example/next',
      }),
      expect.objectContaining({ type: 'click', id: 'b', timestamp: clickedAt + 3000 }),
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
  });

  it('wait at most 50, and not at all with trackClicks off', async () => {
    const p = loading('<button id="b">b</button>');
    for (let i = 0; i < 60; i++) p.click('#b');
    await p.loaded();
    expect((await p.flushed()).filter((e) => e.type == 'click')).toHaveLength(50);
    const off = loading('<button id="b">b</button>', { trackClicks: false });
    off.click('#b');
    await off.loaded();
    expect((await off.flushed()).filter((e) => e.type == 'click')).toEqual([]);
  });
});

describe('textOf / selectorOf', () => {
  it('collapse whitespace, stop at an id, keep two classes, three levels', () => {
    document.body.innerHTML =
      '<main><section class="a b c"><div><p><b>  hi \n there </b></p></div></section></main>';
    const b = document.querySelector('b')!;
    expect(textOf(b)).toBe('hi there');
    expect(selectorOf(b)).toBe('div>p>b');
    expect(selectorOf(document.querySelector('div'))).toBe('main>section.a.b>div');
    document.body.innerHTML = '<div id="root"><span>x</span></div>';
    expect(selectorOf(document.querySelector('span'))).toBe('#root>span');
  });
});

describe('clickOf', () => {
  it('counts a click on its link, button, label or field, else on the target', () => {
    document.body.innerHTML =
      '<a href="/x"><b id="in-link">x</b></a><div role="button"><i id="in-role">y</i></div><p id="plain">z</p>';
    const on = (id: string) => {
      const target = document.getElementById(id)!;
      const e = new MouseEvent('click');
      Object.defineProperty(e, 'target', { value: target });
      return clickOf(e);
    };
    const [click, el, link] = on('in-link');
    expect([click.tag, el.tagName, link?.href]).toEqual(['A', 'A', expect.stringMatching(/\/x$/)]);
    expect(on('in-role')[0]).toMatchObject({ tag: 'DIV' });
    expect(on('plain')[0]).toMatchObject({ tag: 'P', id: 'plain', text: 'z' });
    expect(on('plain')[2]).toBeNull();
  });
});
