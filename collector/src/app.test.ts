import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { openDatabase } from './db/client.js';

describe('createApp', () => {
  it('answers unknown routes with the JSON error shape', async () => {
    const app = createApp({ database: openDatabase(':memory:') });
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /nope' },
    });
  });
});
