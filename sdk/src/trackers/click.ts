import type { ClickEvent } from '../protocol.js';
import type { Core } from './core.js';

/** Form fields: their text is what the user typed or chose, so it is never read. */
const FIELD = 'input,select,textarea';
/** What looks clickable: a click on it that changes nothing is a dead click. */
const CLICKABLE = 'a[href],button,[role=button]';

/** Visible text of an element, whitespace collapsed, ≤ 100 chars; never a form field's value. */
export function textOf(el: Element): string | undefined {
  if (!el.matches(FIELD) && !(el as HTMLElement).isContentEditable)
    return (el as HTMLElement).innerText?.replace(/\s+/g, ' ').trim().slice(0, 100) || undefined;
}

/** A short CSS selector: up to three levels and two classes each, stopping at the nearest id. */
export function selectorOf(el: Element | null): string {
  let s = '';
  for (let i = 0; el && i++ < 3 && s[0] != '#'; el = el.parentElement)
    s =
      (el.id ? '#' + el.id : [el.localName, ...[...el.classList].slice(0, 2)].join('.')) +
      (s && '>' + s);
  return s;
}

/**
 * One delegated listener: clicks (tag, id, class, text, selector, page x/y, href), outbound
 * links, rage clicks (the 3rd click on one element, each within a second of the last) and dead
 * clicks (a link or button click followed by no DOM change and no navigation within a second).
 * Rage and dead clicks carry the click's fields.
 */
export function trackClicks({ w, env, push, on }: Core, outbound: boolean) {
  const d = w.document;
  let changed = 0;
  let last: Element;
  let at = 0;
  let n = 0;
  try {
    new (w as Window & typeof globalThis).MutationObserver(() => (changed = env.now())).observe(d, {
      childList: true,
      subtree: true,
      attributes: true,
    });
  } catch {
    /* no MutationObserver: dead clicks are judged on navigation only */
  }

  on(d, 'click', (ev) => {
    const e = ev as MouseEvent;
    const target = e.target as Element;
    const link = target.closest<HTMLAnchorElement>('a[href]');
    const el = link || target.closest('button,[role=button],label,' + FIELD) || target;
    const t = env.now();
    const href = w.location.href;
    const click: Omit<ClickEvent, 'timestamp'> = {
      type: 'click',
      tag: el.tagName,
      id: el.id || undefined,
      class: el.getAttribute('class') || undefined,
      text: textOf(el),
      selector: selectorOf(el),
      x: Math.round(e.pageX),
      y: Math.round(e.pageY),
      href: link?.href,
    };
    push(click);
    if (outbound && link && link.host != w.location.host && /^http/.test(link.protocol))
      push({ type: 'outbound', href: link.href, text: click.text });

    n = el == last && t - at < 1e3 ? n + 1 : 1;
    last = el;
    at = t;
    if (n == 3) push({ ...click, type: 'rageclick', count: 3 });

    if (el.matches(CLICKABLE))
      env.timeout(
        () =>
          changed < t &&
          w.location.href == href &&
          d.visibilityState != 'hidden' &&
          push({ ...click, type: 'deadclick' }),
        1e3,
      );
  });
}
