import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { Context } from 'hono';
import { OriginRefused, type IngestPipeline, type RequestInfo } from '../ingest/pipeline.js';
import { readJsonBody, validate } from '../ingest/read-body.js';
import type { IngestSchemas } from '../ingest/schema.js';
import { replayAnswer } from '../replay/store.js';
import { requestInfo } from './request-info.js';

/**
 * Runs an ingest call with the CORS answer that fits: a browser origin the website accepts is
 * echoed back (`Vary: Origin`); a refused origin gets no CORS grant at all, so the page cannot
 * even read the 403. (`publicCors` has already granted `*` for everything else, errors included.)
 */
async function withOriginAnswer<T>(c: Context, req: RequestInfo, run: () => Promise<T>) {
  try {
    const r = await run();
    if (req.origin !== undefined) {
      c.header('Access-Control-Allow-Origin', req.origin);
      c.header('Vary', 'Origin');
    }
    return r;
  } catch (err) {
    if (err instanceof OriginRefused) c.header('Access-Control-Allow-Origin', undefined);
    throw err;
  }
}

/** `POST /collect` (one event) and `POST /api/events` (a batch); both answer 202 after commit. */
export function registerCollectRoutes(
  app: OpenAPIHono,
  ctx: AppContext,
  pipeline: IngestPipeline,
  schemas: IngestSchemas,
): void {
  app.post('/collect', async (c) => {
    const raw = await readJsonBody(c, ctx.limits.collectBodyBytes);
    const body = validate(schemas.collect, raw);
    const req = requestInfo(c, ctx);
    const r = await withOriginAnswer(c, req, () => pipeline.collect(body, req));
    return c.json({ ok: true, accepted: r.accepted, duplicates: r.duplicates }, 202);
  });

  app.post('/api/events', async (c) => {
    const raw = await readJsonBody(c, ctx.limits.batchBodyBytes);
    const n = analyticsLength(raw);
    if (n > ctx.limits.batchEvents) {
      throw new ApiError(
        'payload_too_large',
        `analytics has ${n} events; at most ${ctx.limits.batchEvents} per batch`,
      );
    }
    const body = validate(schemas.batch, raw);
    const req = requestInfo(c, ctx);
    const r = await withOriginAnswer(c, req, () => pipeline.batch(body, req));
    // A capped replay never costs the analytics: they are stored and the answer says so. A
    // batch of nothing but replay gets the cap's own error (413, or 429 with Retry-After).
    if (r.replay?.error && !r.events) throw r.replay.error;
    return c.json(
      {
        ok: true,
        accepted: r.accepted,
        duplicates: r.duplicates,
        ...(r.replay && { replay: replayAnswer(r.replay) }),
      },
      202,
    );
  });
}

function analyticsLength(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || !('analytics' in raw)) return 0;
  return Array.isArray(raw.analytics) ? raw.analytics.length : 0;
}
