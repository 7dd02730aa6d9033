import { createHash } from 'node:crypto';
import { ApiError } from '../http/errors.js';
import type { EventRecord } from '../storage/types.js';
import type { PageUrl } from './normalize.js';
import type { AnalyticsBody } from './schema.js';

/** Serializes props/traits once and enforces the size bound (400 naming the field). */
export function propsJson(
  value: Record<string, unknown> | null | undefined,
  field: string,
  maxBytes: number,
): string | null {
  if (value === null || value === undefined) return null;
  const json = JSON.stringify(value);
  if (
    json.length > maxBytes ||
    (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes)
  ) {
    throw new ApiError('invalid_fields', `${field}: larger than ${maxBytes} bytes`);
  }
  return json;
}

/**
 * The set fields of an event's extra data as JSON, or null when none is set. The caller's object
 * is serialized as it is (JSON leaves undefined out), nulls made undefined first: no copy.
 */
function extras(fields: Record<string, string | number | null | undefined>): string | null {
  for (const k in fields) if (fields[k] === null) fields[k] = undefined;
  const json = JSON.stringify(fields);
  return json === '{}' ? null : json;
}

/**
 * A stable id for an event the client sent without `eventId` (the original click shape has
 * none): the hash of its owner and content, so a retried batch does not count it twice.
 */
export function derivedEventId(owner: string, e: AnalyticsBody): string {
  return createHash('sha1')
    .update(owner)
    .update('\n')
    .update(JSON.stringify(e))
    .digest('base64url')
    .slice(0, 22);
}

/** Maps one validated analytics event to its row (everything but the session's columns). */
export function analyticsRecord(
  e: AnalyticsBody,
  page: PageUrl,
  ts: number,
  id: string,
): EventRecord {
  const r: EventRecord = {
    id,
    ts,
    type: e.type,
    name: null,
    path: page.path,
    hostname: page.hostname,
    title: null,
    referrer: null,
    scrollDepth: null,
    engagedMs: null,
    props: null,
    userId: null,
  };
  switch (e.type) {
    case 'click':
      r.name = e.tag;
      r.props = extras({
        id: e.id,
        class: e.class,
        text: e.text,
        selector: e.selector,
        x: e.x,
        y: e.y,
        href: e.href,
      });
      break;
    case 'outbound':
      r.name = e.href;
      r.props = extras({ href: e.href, text: e.text });
      break;
    case 'scroll':
      r.scrollDepth = Math.round(e.depth);
      r.engagedMs = Math.round(e.engagedMs);
      break;
    case 'rageclick':
    case 'deadclick':
      r.name = e.tag ?? null;
      r.props = extras({
        selector: e.selector,
        text: e.text,
        x: e.x,
        y: e.y,
        count: e.type === 'rageclick' ? e.count : undefined,
      });
      break;
    case 'error':
      r.name = e.message;
      r.props = extras({ source: e.source, line: e.line, column: e.column, stack: e.stack });
      break;
  }
  return r;
}
