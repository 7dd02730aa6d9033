import type { Core } from './core.js';

const FORM_FIELD = /^(INPUT|TEXTAREA|SELECT|OPTION)$/;

/** Visible text of an element, trimmed to 100 chars; never a form field's value. */
export function textOf(el: Element): string | undefined {
  if (FORM_FIELD.test(el.tagName) || (el as HTMLElement).isContentEditable) return undefined;
  const t = ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, 100) : undefined;
}

/** A short CSS selector: up to three levels, stopping at the nearest id. */
export function selectorOf(el: Element | null): string {
  const parts: string[] = [];
  for (let i = 0; el && el.nodeType === 1 && i < 3; el = el.parentElement, i++) {
    if (el.id) {
      parts.unshift('#' + el.id);
      break;
    }
    const cls = (el.getAttribute('class') ?? '').trim().split(/\s+/).slice(0, 2).join('.');
    parts.unshift(el.tagName.toLowerCase() + (cls ? '.' + cls : ''));
  }
  return parts.join('>');
}

/**
 * One delegated listener: clicks (tag, id, class, text, selector, page x/y, href), outbound
 * links, rage clicks (3+ within a second in one spot) and dead clicks (a link or button click
 * followed by no DOM change and no navigation within a second).
 */
export function trackClicks(core: Core, outbound: boolean) {
  const { w, now } = core;
  const d = w.document;
  let changed = 0;
  let burst = { x: 0, y: 0, t: 0, n: 0 };
  if (typeof MutationObserver !== 'undefined') {
    new MutationObserver(() => (changed = now())).observe(d, {
      childList: true,
      subtree: true,
      attributes: true,
    });
  }

  core.on(d, 'click', (ev) => {
    const e = ev as MouseEvent;
    const target = e.target as Element | null;
    if (!target?.closest) return;
    const link = target.closest('a[href]') as HTMLAnchorElement | null;
    const el = link ?? target.closest('button,[role=button],input,select,textarea,label') ?? target;
    const x = Math.round(e.pageX);
    const y = Math.round(e.pageY);
    const text = textOf(el);
    const selector = selectorOf(el);
    core.push({
      type: 'click',
      tag: el.tagName,
      id: el.id || undefined,
      class: el.getAttribute('class')?.trim().slice(0, 200) || undefined,
      text,
      selector,
      x,
      y,
      href: link?.href,
    });
    if (outbound && link && /^https?:/.test(link.href) && link.host !== w.location.host) {
      core.push({ type: 'outbound', href: link.href, text });
    }

    const t = now();
    burst =
      t - burst.t < 1000 && Math.abs(x - burst.x) < 30 && Math.abs(y - burst.y) < 30
        ? { x, y, t, n: burst.n + 1 }
        : { x, y, t, n: 1 };
    if (burst.n === 3)
      core.push({ type: 'rageclick', selector, tag: el.tagName, text, x, y, count: 3 });

    if (el.matches('a[href],button,[role=button]')) {
      const href = w.location.href;
      w.setTimeout(() => {
        if (changed < t && w.location.href === href && d.visibilityState !== 'hidden') {
          core.push({ type: 'deadclick', selector, tag: el.tagName, text, x, y });
        }
      }, 1000);
    }
  });
}
