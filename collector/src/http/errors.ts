import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Machine-readable error codes used in `{"error":{"code","message"}}` (SPEC §3.4). */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_fields'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unknown_website'
  | 'internal';

const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_fields: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unknown_website: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

/** The one error type handlers throw; `onError` turns it into the JSON error shape. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    status: ContentfulStatusCode = statusOf[code],
  ) {
    super(status, { message });
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** `app.onError`: every error becomes `{"error":{"code","message"}}`; never leaks internals. */
export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message), err.status);
  }
  if (err instanceof HTTPException) {
    // Hono's own validators throw plain HTTPExceptions (malformed JSON, wrong media type)
    const code: ErrorCode =
      err.status === 413
        ? 'payload_too_large'
        : err.status === 415
          ? 'unsupported_media_type'
          : err.status === 401
            ? 'unauthorized'
            : /malformed json/i.test(err.message)
              ? 'invalid_json'
              : 'bad_request';
    return c.json(errorBody(code, err.message || 'bad request'), err.status);
  }
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      msg: 'unhandled',
      requestId: c.get('requestId'),
      error: String(err.stack ?? err),
    }),
  );
  return c.json(errorBody('internal', 'internal server error'), 500);
}
