import type { ClickEvent } from '../protocol.js';
import type { Core } from '../trackers/core.js';

/** Form fields: their text is what the user typed or chose, so it is never read. */
const FIELD = 'input,select,textarea';

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
 * What a click counts on (its link, button, label or form field, else the target) and the
 * click's fields; `extras.js` builds its rage and dead clicks from the same fields.
 */
export function clickOf(e: MouseEvent) {
  const target = e.target as Element;
  const link = target.closest<HTMLAnchorElement>('a[href]');
  const el = link || target.closest('button,[role=button],label,' + FIELD) || target;
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
  return [click, el, link] as const;
}

/**
 * One delegated listener: clicks (tag, id, class, text, selector, page x/y, href), outbound links.
 * The clicks the tracker buffered before the extras started come first, with their own time and
 * page url; then the buffer is closed.
 */
export function trackClicks(core: Core) {
  const { w, c, push, on } = core;
  const click = (e: Event, stamp?: { timestamp: number; url: string }) => {
    const [click, , link] = clickOf(e as MouseEvent);
    push({ ...click, ...stamp });
    if (c.trackOutbound && link && link.host != w.location.host && /^http/.test(link.protocol))
      push({ type: 'outbound', href: link.href, text: click.text, ...stamp });
  };
  const early = core.clicks || [];
  core.clicks = undefined;
  on(w.document, 'click', click);
  for (const [e, timestamp, url] of early)
    try {
      click(e, { timestamp, url });
    } catch {
      /* as the listener's guard would: that click is skipped */
    }
}
