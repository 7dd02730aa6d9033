import type { ClickEvent } from '../protocol.js';
import type { Core } from './core.js';

/** Form fields: their text is what the user typed or chose, so it is never read. */
const FIELD = 'input,select,textarea';

/** Visible text of an element, whitespace collapsed, ≤ 100 chars; never a form field's value. */
export function textOf(el: Element): string | undefined {
  if (el.matches(FIELD) || (el as HTMLElement).isContentEditable) return;
  return (el as HTMLElement).innerText?.replace(/\s+/g, ' ').trim().slice(0, 100) || undefined;
}

/** A short CSS selector: up to three levels and two classes each, stopping at the nearest id. */
export function selectorOf(el: Element | null): string {
  let s = '';
  for (let i = 0; el && i++ < 3 && s[0] != '#'; el = el.parentElement) {
    const cls = el.getAttribute('class')?.trim().split(/\s+/).slice(0, 2).join('.');
    s = (el.id ? '#' + el.id : el.tagName.toLowerCase() + (cls ? '.' + cls : '')) + (s && '>' + s);
  }
  return s;
}

/**
 * One delegated listener: clicks (tag, id, class, text, selector, page x/y, href), outbound
 * links, rage clicks (the 3rd click on one element, each within a second of the last) and dead
 * clicks (a link or button click followed by no DOM change and no navigation within a second).
 * Rage and dead clicks carry the click's fields.
 */
export function trackClicks(core: Core, outbound: boolean) {
  const { w, env } = core;
  const d = w.document;
  let changed = 0;
  let prev = { el: null as Element | null, t: 0, n: 0 };
  try {
    new (w as Window & typeof globalThis).MutationObserver(() => (changed = env.now())).observe(d, {
      childList: true,
      subtree: true,
      attributes: true,
    });
  } catch {
    /* no MutationObserver: dead clicks are judged on navigation only */
  }

  core.on(d, 'click', (ev) => {
    const e = ev as MouseEvent;
    const target = e.target as Element;
    const link = target.closest<HTMLAnchorElement>('a[href]');
    const el = link ?? target.closest('button,[role=button],label,' + FIELD) ?? target;
    const t = env.now();
    const click: Omit<ClickEvent, 'timestamp'> = {
      type: 'click',
      tag: el.tagName,
      id: el.id || undefined,
      class: el.getAttribute('class')?.slice(0, 200),
      text: textOf(el),
      selector: selectorOf(el),
      x: Math.round(e.pageX),
      y: Math.round(e.pageY),
      href: link?.href,
    };
    core.push(click);
    if (outbound && link && link.host != w.location.host && /^http/.test(link.protocol))
      core.push({ type: 'outbound', href: link.href, text: click.text });

    prev = { el, t, n: el == prev.el && t - prev.t < 1000 ? prev.n + 1 : 1 };
    if (prev.n == 3) core.push({ ...click, type: 'rageclick', count: 3 });

    if (link || el.matches('button,[role=button]')) {
      const href = w.location.href;
      env.timeout(() => {
        if (changed < t && w.location.href == href && d.visibilityState != 'hidden')
          core.push({ ...click, type: 'deadclick' });
      }, 1000);
    }
  });
}
