import { describe, expect, it } from 'vitest';
import { startTracker } from '../../test/fakes.js';

describe('JS errors (extras)', () => {
  it('records uncaught errors and rejections, deduplicated, at most 10', async () => {
    const { w, env, t } = startTracker();
    await env.settle(); // the extras have loaded
    const error = (message: string) =>
      w.dispatchEvent(
        new w.ErrorEvent('error', {
          message,
          filename: 'app.js',
          lineno: 3,
          colno: 7,
          error: new Error(message),
        }),
      );
    error('boom');
    error('boom');
    const rejection = new w.Event('unhandledrejection');
    Object.defineProperty(rejection, 'reason', { value: new Error('nope') });
    w.dispatchEvent(rejection);
    w.dispatchEvent(new w.Event('error')); // a resource that failed to load: no message
    for (let i = 0; i < 20; i++) error('e' + i);
    t.flush();
    await env.settle();
    const errors = env.events().filter((e) => e.type == 'error');
    expect(errors).toHaveLength(10);
    expect(errors[0]).toMatchObject({
      message: 'boom',
      source: 'app.js',
      line: 3,
      column: 7,
      stack: expect.stringContaining('boom'),
    });
    expect(errors[1]).toMatchObject({ message: 'nope' });
  });

  it('keeps messages to 500 chars and stacks to 2000, and reads a rejection with a plain value', async () => {
    const { w, env, t } = startTracker();
    await env.settle();
    const e = new Error('m'.repeat(600));
    e.stack = 's'.repeat(3000);
    w.dispatchEvent(new w.ErrorEvent('error', { message: e.message, error: e }));
    const rejection = new w.Event('unhandledrejection');
    Object.defineProperty(rejection, 'reason', { value: 'plain reason' });
    w.dispatchEvent(rejection);
    t.flush();
    await env.settle();
    const [long, plain] = env.events();
    expect(long).toMatchObject({ type: 'error' });
    expect((long as { message: string }).message).toHaveLength(500);
    expect((long as { stack: string }).stack).toHaveLength(2000);
    expect(plain).toMatchObject({ type: 'error', message: 'plain reason' });
  });
});
