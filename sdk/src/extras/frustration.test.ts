import { describe, expect, it } from 'vitest';
import { extrasPage, startTracker } from '../../test/fakes.js';

const page = extrasPage;

describe('rage and dead clicks (extras)', () => {
  it('a 3rd quick click on one element is a rage click with the click fields; slow clicks are not', async () => {
    const p = await page('<div id="d" class="cta">Buy</div>');
    for (let i = 0; i < 3; i++) {
      p.click('#d');
      await p.env.advance(900);
    }
    await p.env.advance(1100);
    p.click('#d');
    await p.env.advance(1100);
    p.click('#d');
    const events = await p.flushed();
    const rage = events.filter((e) => e.type == 'rageclick');
    expect(rage).toEqual([
      expect.objectContaining({
        tag: 'DIV',
        id: 'd',
        class: 'cta',
        text: 'Buy',
        selector: '#d',
        count: 3,
        x: expect.any(Number),
        y: expect.any(Number),
        eventId: expect.any(String),
      }),
    ]);
    expect(events.filter((e) => e.type == 'click')).toHaveLength(5);
  });

  it('a button click with no DOM change and no navigation within a second is a dead click', async () => {
    const p = await page(
      '<button id="dead">Nothing</button><button id="live">Open</button><a id="nav" href="#x">Go</a>',
    );
    p.d
      .getElementById('live')!
      .addEventListener('click', () => p.d.body.append(p.d.createElement('p')));
    p.click('#dead');
    p.click('#live');
    await p.env.advance(1000);
    p.click('#nav'); // navigates (to #x)
    p.w.location.hash = 'x';
    await p.env.advance(1000);
    const dead = (await p.flushed()).filter((e) => e.type == 'deadclick');
    expect(dead).toEqual([expect.objectContaining({ tag: 'BUTTON', text: 'Nothing' })]);
  });

  it('with trackClicks off there are no rage or dead clicks (errors still count)', async () => {
    const p = await page('<button id="b">b</button>', { trackClicks: false });
    for (let i = 0; i < 3; i++) p.click('#b');
    await p.env.advance(1000);
    p.w.dispatchEvent(new p.w.ErrorEvent('error', { message: 'boom' }));
    expect((await p.flushed()).map((e) => e.type)).toEqual(['error']);
  });
});
