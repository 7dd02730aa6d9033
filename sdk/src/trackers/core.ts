import type { AnalyticsEvent } from '../protocol.js';

/** Distributive Omit, so each event type keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a tracker module gets: the window, a way to queue events, and the page being viewed. */
export interface Core {
  w: Window;
  now(): number;
  /** queues an analytics event; id, time and url are added */
  push(e: Without<AnalyticsEvent, 'timestamp' | 'url' | 'eventId'>): void;
  /** the current page URL as counted */
  page(): string;
  /** addEventListener with errors contained */
  on(target: EventTarget, type: string, fn: (e: Event) => void): void;
}
