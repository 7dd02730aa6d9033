import { OpenAPIHono } from '@hono/zod-openapi';
import { resolveContext, type AppDeps } from './context.js';
import { ApiError, errorBody, handleError } from './http/errors.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerReadRoutes } from './routes/read.js';
import { registerReplayRoutes } from './routes/replay.js';

/** Builds the collector's Hono app. The only way to make one; tests call it with an in-memory db. */
export function createApp(deps: AppDeps) {
  const ctx = resolveContext(deps);
  if (deps.columns === 'on-demand') ctx.columns.startOnDemand();
  else if (deps.columns) ctx.columns.start();
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        throw new ApiError('invalid_fields', `${where}${issue?.message ?? 'invalid request'}`);
      }
    },
  });
  app.onError(handleError);
  if (ctx.log) app.use('*', requestLog(ctx.log, { newId: ctx.randomId, ingest: ctx.logIngest }));
  app.use('*', securityHeaders(ctx.trustProxy));
  app.notFound((c) =>
    c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  registerIngestRoutes(app, ctx);
  registerReadRoutes(app, ctx);
  registerReplayRoutes(app, ctx);
  return app;
}

export type App = ReturnType<typeof createApp>;
