import type { OpenAPIHono } from '@hono/zod-openapi';
import type { IngestSchemas } from '../ingest/schema.js';

/** Adds the ingest endpoints to the OpenAPI document served at `/openapi.json`. */
export function registerIngestDocs(app: OpenAPIHono, s: IngestSchemas): void {
  const json = (schema: IngestSchemas[keyof IngestSchemas]) => ({ 'application/json': { schema } });
  const errors = {
    400: {
      description: '`invalid_json`, `invalid_fields` (names the field path) or `bad_request`',
      content: json(s.error),
    },
    404: { description: '`unknown_website`: nothing was stored', content: json(s.error) },
    413: {
      description: '`payload_too_large`: body or batch over the limits',
      content: json(s.error),
    },
    415: {
      description: '`unsupported_media_type`: send application/json or text/plain',
      content: json(s.error),
    },
  };
  const accepted = {
    description: 'Committed. Bots are answered the same way with `accepted: 0` and dropped.',
    content: json(s.accepted),
  };
  for (const [path, schema, summary] of [
    ['/collect', s.collect, 'Track one pageview, custom event or identify'],
    ['/api/events', s.batch, 'Track a batch of analytics (≤ 1000) and rrweb events of one session'],
  ] as const) {
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      tags: ['ingest'],
      summary,
      description:
        'Public (CORS, any origin). The body is JSON sent as `application/json` or `text/plain` (no preflight). Answered only after the events are committed.',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema }, 'text/plain': { schema } },
        },
      },
      responses: { 202: accepted, ...errors },
    });
  }
}
