/**
 * Replay reads: `GET /sessions/{id}/replay` (the rrweb events, streamed), `GET
 * /sessions/{id}/neighbors` (the visitor's previous and next session), the viewer page `GET
 * /replay/{id}` and its static files under `/replay-assets/`.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize, canAccess, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import {
  createReplayReader,
  replayStream,
  type ReplayReader,
  type ReplaySessionRef,
} from '../replay/reader.js';
import { loadViewerAssets, viewerAssetNames, type ViewerAsset } from '../replay/viewer/assets.js';
import { viewerHeaders, viewerHtml } from '../replay/viewer/page.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const idParam = z.object({ id: z.string().min(1).max(200) });
const websiteQuery = z.object({
  websiteId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'disambiguates an id used by two websites' }),
});

function sessionId(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (id.length === 0 || id.length > 200)
    throw new ApiError('invalid_fields', 'id: 1 to 200 characters');
  return id;
}

/** The session the caller may read: 404 when no website has it, 403 when only others do. */
function readableSession(c: Context, reader: ReplayReader): ReplaySessionRef {
  const id = sessionId(c);
  const websiteId = c.req.query('websiteId');
  if (websiteId !== undefined && (websiteId.length === 0 || websiteId.length > 200)) {
    throw new ApiError('invalid_fields', 'websiteId: 1 to 200 characters');
  }
  const p = authorize(c, { scope: 'read', websiteId });
  const found = reader
    .findSessions(id)
    .filter((s) => websiteId === undefined || s.websiteId === websiteId);
  if (found.length === 0) throw new ApiError('not_found', `unknown session "${id}"`);
  const readable = found.find((s) => canAccess(p, s.websiteId));
  if (!readable) throw new ApiError('forbidden', 'this API key is limited to another website');
  return readable;
}

function registerDocs(app: OpenAPIHono): void {
  const r = app.openAPIRegistry;
  r.registerPath({
    method: 'get',
    path: '/sessions/{id}/replay',
    tags: ['replay'],
    summary: "The session's rrweb events as one JSON array, in time order (streamed)",
    security: bearerSecurity,
    request: { params: idParam, query: websiteQuery },
    responses: {
      200: {
        description: 'rrweb events; `[]` when the session has no recording',
        content: {
          'application/json': {
            schema: z.array(z.looseObject({ type: z.number(), timestamp: z.number() })),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/sessions/{id}/neighbors',
    tags: ['replay'],
    summary: "The same visitor's previous and next session",
    security: bearerSecurity,
    request: { params: idParam, query: websiteQuery },
    responses: {
      200: {
        description: 'Session ids, or null',
        content: {
          'application/json': {
            schema: z.object({ previous: z.string().nullable(), next: z.string().nullable() }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/replay/{id}',
    tags: ['replay'],
    summary:
      'Replay viewer page; open it as /replay/{id}#key=<read key> (the key never leaves the browser in a URL)',
    request: { params: idParam },
    responses: {
      200: {
        description: 'HTML page (strict CSP; data loaded by its script with the key)',
        content: { 'text/html': { schema: z.string() } },
      },
    },
  });
  r.registerPath({
    method: 'get',
    path: '/replay-assets/{name}',
    tags: ['replay'],
    summary: 'Viewer files: player.js, player.css (rrweb-player), viewer.js, viewer.css',
    request: { params: z.object({ name: z.enum(viewerAssetNames as [string, ...string[]]) }) },
    responses: {
      200: { description: 'The file (long-cached; URLs carry a content hash)' },
      ...errorResponses(404),
    },
  });
}

export function registerReplayRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const reader = createReplayReader(ctx.database.sqlite);
  let assets: Map<string, ViewerAsset> | null = null;
  const getAssets = () => (assets ??= loadViewerAssets());

  app.get('/sessions/:id/replay', requireScope(ctx, 'read'), (c) => {
    const s = readableSession(c, reader);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    const body = replayStream(reader, s.websiteId, s.id);
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      // the DOM typings of CompressionStream take BufferSource; the stream only carries Uint8Array
      const gzip = new CompressionStream('gzip') as unknown as TransformStream<
        Uint8Array,
        Uint8Array
      >;
      return c.body(body.pipeThrough(gzip), 200, {
        ...headers,
        'Content-Encoding': 'gzip',
      });
    }
    return c.body(body, 200, headers);
  });

  app.get('/sessions/:id/neighbors', requireScope(ctx, 'read'), (c) => {
    const s = readableSession(c, reader);
    return c.json(reader.neighbors(s), 200);
  });

  app.get('/replay/:id', (c) => {
    sessionId(c);
    const v = Object.fromEntries([...getAssets()].map(([name, a]) => [name, a.hash]));
    return c.body(viewerHtml(v), 200, viewerHeaders);
  });

  app.get('/replay-assets/:name', (c) => {
    const name = c.req.param('name');
    const a = getAssets().get(name);
    if (!a) throw new ApiError('not_found', `no replay asset "${name}"`);
    const etag = `"${a.hash}"`;
    const headers: Record<string, string> = {
      'Content-Type': a.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(a.gzip), 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(new Uint8Array(a.body), 200, headers);
  });

  registerDocs(app);
}
