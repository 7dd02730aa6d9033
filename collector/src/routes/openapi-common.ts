/** Pieces every documented read/admin route shares: the error schema and the bearer scheme. */
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'unauthorized' }),
      message: z.string().openapi({ example: 'missing Authorization: Bearer <key> header' }),
    }),
  })
  .openapi('Error');

const errorDescriptions = {
  400: 'Invalid query or body',
  401: 'Missing, unknown, expired or revoked API key or session',
  403: 'The key or role lacks the scope, or the website is not among the caller’s',
  404: 'Unknown id',
  409: 'Conflicts with what exists (e.g. the email is taken)',
  429: 'Too many requests: wait for Retry-After seconds',
} as const;

/** OpenAPI response entries for the given error statuses, all in the one error shape. */
export function errorResponses<S extends keyof typeof errorDescriptions>(...statuses: S[]) {
  const out = {} as Record<
    S,
    { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }
  >;
  for (const s of statuses) {
    out[s] = {
      description: errorDescriptions[s],
      content: { 'application/json': { schema: ErrorSchema } },
    };
  }
  return out;
}

export const BEARER = 'bearerAuth';
/** `security` of a route that needs credentials: a bearer key or token, or the session cookie. */
export const bearerSecurity: Record<string, string[]>[] = [{ [BEARER]: [] }, { cookieAuth: [] }];

const ISO_HINT = 'ISO date (2024-01-31) or datetime (2024-01-31T12:00:00Z), or ms since the epoch';

/** Query fields shared by /stats and /sessions. */
export const rangeQuery = {
  websiteId: z.string().min(1).max(200).optional().openapi({ description: 'Limit to one website' }),
  from: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: `Start (inclusive). ${ISO_HINT}` }),
  to: z
    .string()
    .max(64)
    .optional()
    .openapi({
      description: `End (exclusive; a date-only value includes that whole day). ${ISO_HINT}`,
    }),
  period: z
    .string()
    .max(16)
    .optional()
    .openapi({ description: '24h | 7d | 30d | all (default all); not combined with from/to' }),
};
