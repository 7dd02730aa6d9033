/**
 * In-process fan-out of committed events to live listeners (the SSE stream). Ingest publishes
 * after its transaction committed, so a listener never sees an event that could still be rolled
 * back. With several collectors each streams what it ingested itself (see docs/analytics.md).
 */
export interface LiveEvent {
  websiteId: string;
  type: string;
  name: string | null;
  path: string | null;
  ts: number;
  sessionId: string;
}

type Listener = (events: readonly LiveEvent[]) => void;

export class EventBus {
  private readonly listeners = new Map<Listener, string | null>();

  constructor(private readonly maxListeners = 1000) {}

  /** Calls `listener` with the committed events of `websiteId`; returns the unsubscribe. */
  subscribe(websiteId: string, listener: Listener): () => void {
    if (this.listeners.size >= this.maxListeners) throw new Error('too many live listeners');
    this.listeners.set(listener, websiteId);
    return () => void this.listeners.delete(listener);
  }

  publish(websiteId: string, events: readonly LiveEvent[]): void {
    if (this.listeners.size === 0 || events.length === 0) return;
    for (const [listener, site] of this.listeners) {
      if (site !== websiteId) continue;
      try {
        listener(events);
      } catch {
        // a broken listener must not break ingest
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
