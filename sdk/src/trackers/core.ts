import type { Env } from '../env.js';
import type { AnalyticsEvent, CollectPayload } from '../protocol.js';

/** Distributive Omit, so each event type keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An analytics event as a tracker module builds it; the core adds id, time and page url. */
export type NewEvent = Without<AnalyticsEvent, 'timestamp' | 'url' | 'eventId'>;

/** What a tracker module gets: the window, the environment and a way to queue events. */
export interface Core {
  w: Window;
  env: Env;
  /**
   * queues an analytics event, or with `now` sends a `/collect` event at once (nothing when
   * tracking is off)
   */
  push(e: NewEvent | Partial<CollectPayload>, now?: 1): void;
  /** addEventListener (capture) with errors contained */
  on(target: EventTarget, type: string, fn: (e: Event) => void): void;
}
