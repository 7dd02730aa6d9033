import { describe, expect, it } from 'vitest';
import { isSecret, privacyOptions } from './privacy.js';

const input = (html: string) => {
  document.body.innerHTML = html;
  return document.body.firstElementChild as HTMLElement;
};

describe('privacy options', () => {
  it('mask every input value by default', () => {
    const o = privacyOptions(true);
    expect(o.maskInputFn!('hello', input('<input type="text">'))).toBe('*****');
    expect(o.maskInputOptions).toMatchObject({
      text: true,
      email: true,
      textarea: true,
      select: true,
    });
    expect(o).toMatchObject({
      maskAllInputs: false,
      blockClass: 'sl-block',
      blockSelector: '[data-sl-block]',
    });
    expect(o).toMatchObject({ maskTextClass: 'sl-mask', recordCanvas: false });
  });

  it('mask passwords even when input masking is off', () => {
    const o = privacyOptions(false);
    const fn = o.maskInputFn!;
    expect(fn('hello', input('<input type="text">'))).toBe('hello');
    expect(fn('hunter2', input('<input type="password">'))).toBe('*******');
    // a "show password" toggle turned it into a text field: rrweb marks it
    expect(fn('hunter2', input('<input type="text" data-rr-is-password="true">'))).toBe('*******');
    expect(fn('123456', input('<input autocomplete="one-time-code">'))).toBe('******');
    expect(fn('4111', input('<input autocomplete="cc-number">'))).toBe('****');
    // rrweb asks the guard about every text-like field, passwords included
    expect(o.maskInputOptions).toMatchObject({ text: true, password: true });
    expect(o.maskInputOptions).not.toHaveProperty('select');
  });

  it('treats an unknown element as secret', () => {
    expect(isSecret(undefined)).toBe(true);
  });
});
