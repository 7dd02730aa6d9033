import { z } from 'zod';
import type { Limits } from '../context.js';

/**
 * Zod schemas of the ingest bodies (SPEC §3.2, `sdk/src/protocol.ts`), built from the app's
 * limits. Unknown fields are ignored (newer trackers may send more); `null` is accepted wherever
 * a field is optional, as the original tracker sends `"referrer": null`.
 */
export function ingestSchemas(limits: Limits) {
  const str = z.string().max(limits.stringLength);
  const id = z.string().min(1).max(128);
  const props = z.record(z.string(), z.unknown());
  const opt = <T extends z.ZodType>(t: T) => t.nullish();

  const collectBase = z.object({
    websiteId: id,
    domain: opt(str),
    href: str,
    referrer: opt(str),
    viewport: opt(
      z.object({ width: z.number().min(0).max(1e5), height: z.number().min(0).max(1e5) }),
    ),
    visitorId: opt(id),
    sessionId: opt(id),
    eventId: opt(id),
    timestamp: opt(z.number()),
    title: opt(str),
    language: opt(z.string().max(64)),
    screen: opt(z.string().max(32)),
    cookieless: opt(z.boolean()),
  });
  const collect = z.discriminatedUnion('type', [
    collectBase.extend({ type: z.literal('pageview') }),
    collectBase.extend({ type: z.literal('custom'), name: str.min(1), props: opt(props) }),
    collectBase.extend({ type: z.literal('identify'), userId: id, traits: opt(props) }),
  ]);

  const eventBase = { eventId: opt(id), timestamp: z.number(), url: opt(str) };
  const point = { x: z.number(), y: z.number() };
  const target = { selector: opt(str), tag: opt(str), text: opt(str) };
  const analyticsEvent = z.discriminatedUnion('type', [
    z.object({
      ...eventBase,
      ...point,
      type: z.literal('click'),
      tag: str,
      id: opt(str),
      class: opt(str),
      text: opt(str),
      selector: opt(str),
      href: opt(str),
    }),
    z.object({ ...eventBase, type: z.literal('outbound'), href: str, text: opt(str) }),
    z.object({
      ...eventBase,
      type: z.literal('scroll'),
      depth: z.number().min(0).max(100),
      engagedMs: z.number().min(0).max(1e10),
    }),
    z.object({
      ...eventBase,
      ...point,
      ...target,
      type: z.literal('rageclick'),
      count: z.number().int().min(1).max(1e6),
    }),
    z.object({ ...eventBase, ...point, ...target, type: z.literal('deadclick') }),
    z.object({
      ...eventBase,
      type: z.literal('error'),
      message: str,
      source: opt(str),
      line: opt(z.number()),
      column: opt(z.number()),
      stack: opt(str),
    }),
  ]);
  const batch = z.object({
    metadata: z.object({
      sessionId: opt(id),
      url: str,
      screen: opt(z.string().max(32)),
      timestamp: opt(z.union([z.string().max(64), z.number()])),
      websiteId: opt(id),
      visitorId: opt(id),
      cookieless: opt(z.boolean()),
      language: opt(z.string().max(64)),
    }),
    analytics: z.array(analyticsEvent).max(limits.batchEvents).default([]),
    /** raw rrweb events (bounded by the body size) */
    replay: opt(z.array(z.unknown())),
    /** compressed rrweb chunks: accepted, stored by the replay work */
    replayChunks: opt(z.array(z.unknown())),
  });

  const accepted = z.object({
    ok: z.literal(true),
    accepted: z.number().int().describe('events newly stored'),
    duplicates: z.number().int().describe('events already stored before (retries), ignored'),
  });
  const error = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
  return { collect, batch, analyticsEvent, accepted, error };
}

export type IngestSchemas = ReturnType<typeof ingestSchemas>;
export type CollectBody = z.infer<IngestSchemas['collect']>;
export type BatchBody = z.infer<IngestSchemas['batch']>;
export type AnalyticsBody = z.infer<IngestSchemas['analyticsEvent']>;
