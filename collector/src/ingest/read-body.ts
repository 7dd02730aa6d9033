import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../http/errors.js';

const acceptedTypes = new Set(['application/json', 'text/plain', '']);

/**
 * Reads a tracker body: `application/json` or `text/plain` (what the tracker sends to avoid a
 * CORS preflight; a missing type is accepted too), at most `maxBytes` by `Content-Length` and by
 * the bytes actually read, then parses it as JSON. Throws the matching {@link ApiError}.
 */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!acceptedTypes.has(type)) {
    throw new ApiError(
      'unsupported_media_type',
      `content type ${type} is not accepted; send application/json or text/plain`,
    );
  }
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const text = declared !== undefined ? await c.req.text() : await readBounded(c.req.raw, maxBytes);
  // Each character is 1–3 bytes of UTF-8 (4 for a surrogate pair = 2 chars), so count only when unsure.
  if (
    text.length > maxBytes ||
    (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)
  ) {
    throw tooLarge(maxBytes);
  }
  if (text.trim() === '')
    throw new ApiError('invalid_json', 'body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `body is not valid JSON: ${(err as Error).message}`);
  }
}

async function readBounded(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `body is larger than ${maxBytes} bytes`);
}

/** Validates with zod; the first issue becomes a 400 `invalid_fields` naming its path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ApiError('invalid_fields', `${where}${issue?.message ?? 'invalid body'}`);
}
