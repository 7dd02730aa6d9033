import type { record } from '@rrweb/record';

export type RecordOptions = NonNullable<Parameters<typeof record>[0]>;

/** Keys rrweb looks up (input type or tag name) before it hands a value to `maskInputFn`. */
const TEXT_FIELDS =
  'color date datetime-local email month number range search tel text time url week textarea password';

/**
 * Fields masked even when `maskAllInputs` is off: passwords (also after a "show password" toggle,
 * which rrweb marks with `data-rr-is-password`) and fields whose autocomplete hint names a
 * password, a one-time code or card data.
 */
export function isSecret(el: HTMLElement | undefined): boolean {
  if (!el?.getAttribute) return true; // unknown element: mask
  const type = ((el as HTMLInputElement).type ?? '').toLowerCase();
  const hint = (el.getAttribute('autocomplete') ?? '').toLowerCase();
  return (
    type === 'password' ||
    el.getAttribute('type')?.toLowerCase() === 'password' ||
    el.hasAttribute('data-rr-is-password') ||
    /password|one-time-code|cc-/.test(hint)
  );
}

export const mask = (text: string): string => '*'.repeat(text.length);

/**
 * rrweb options for privacy: every text-like input value goes through one guard, which masks it
 * when `maskAllInputs` is on and masks secrets always. `.sl-block` / `[data-sl-block]` elements
 * are recorded as empty boxes, `.sl-mask` / `[data-sl-mask]` text is replaced by `*`, and canvas,
 * fonts and images are not captured.
 */
export function privacyOptions(maskAllInputs: boolean): RecordOptions {
  const maskInputOptions: Record<string, boolean> = {};
  for (const t of TEXT_FIELDS.split(' ')) maskInputOptions[t] = true;
  // a select's chosen option is only recorded when "select" is not masked
  if (maskAllInputs) maskInputOptions.select = true;
  return {
    // rrweb's own maskAllInputs would replace maskInputOptions, and with it the guard's reach
    maskAllInputs: false,
    maskInputOptions,
    maskInputFn: (text, el) => (maskAllInputs || isSecret(el) ? mask(text) : text),
    maskTextClass: 'sl-mask',
    maskTextSelector: '[data-sl-mask]',
    blockClass: 'sl-block',
    blockSelector: '[data-sl-block]',
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
  };
}
