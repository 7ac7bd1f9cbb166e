/**
 * Live updates for open dashboards over server-sent events: a snapshot when
 * a dashboard connects, then at most every {@linkcode PUSH_MS} the sessions
 * that changed, the governors when they changed, and the notable events
 * (sessions and governors coming and going) since the last push.
 *
 * @module
 */
import type { SSEStreamingApi } from "npm:hono@^4.10.0/streaming";
import type { EventLog } from "../events/event_log.ts";
import type { LoggedEvent } from "../events/event_map.ts";
import type { Monitor } from "../monitor/monitor.ts";

/** Least time between two pushes (ms). */
export const PUSH_MS = 200;

/** Notable events of the last pushes kept for dashboards that connect later. */
const RECENT = 200;

const NOTABLE = new Set([
  "governor:joined",
  "governor:lost",
  "session:opened",
  "session:finished",
  "session:failed",
  "session:closed",
]);

interface Subscriber {
  stream: SSEStreamingApi;
  busy: boolean;
  /** Missed a push while busy: gets a snapshot next. */
  stale: boolean;
}

/** The server-sent event feed of one server (or one replayed log). */
export class LiveFeed {
  readonly #monitor: Monitor;
  readonly #subscribers = new Set<Subscriber>();
  readonly #closers = new Set<() => void>();
  #notable: LoggedEvent[] = [];
  #recent: LoggedEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastPush = 0;
  #pending = false;

  /**
   * @param events The event stream.
   * @param monitor The monitor the snapshots come from.
   */
  constructor(events: EventLog, monitor: Monitor) {
    this.#monitor = monitor;
    monitor.onChange(() => this.#schedule());
    events.on((e, time, seq) => {
      // Per-task events ("task:…", "object:…") are most: leave at their first letter.
      const first = e.type.charCodeAt(0);
      if ((first !== 0x73 && first !== 0x67) || !NOTABLE.has(e.type)) return;
      this.#notable.push({ ...e, time, seq });
      this.#schedule();
    });
  }

  /** The whole state, as sent to a dashboard that connects. */
  snapshot(): { time: number; governors: unknown[]; sessions: unknown[]; log: LoggedEvent[] } {
    return {
      time: Date.now(),
      governors: this.#monitor.governors,
      sessions: [...this.#monitor.sessions.values()].map((s) => s.summary()),
      log: [...this.#recent, ...this.#notable],
    };
  }

  /**
   * Serves one dashboard until it disconnects or the feed closes.
   *
   * @param stream The SSE stream of the request.
   */
  async serve(stream: SSEStreamingApi): Promise<void> {
    const sub: Subscriber = { stream, busy: false, stale: false };
    const { promise, resolve } = Promise.withResolvers<void>();
    stream.onAbort(resolve);
    this.#closers.add(resolve);
    this.#subscribers.add(sub);
    try {
      this.#send(sub, "snapshot", this.snapshot());
      await promise;
    } finally {
      this.#subscribers.delete(sub);
      this.#closers.delete(resolve);
    }
  }

  /** Ends every stream (before the HTTP server stops: open streams would hold it). */
  close(): void {
    clearTimeout(this.#timer);
    for (const close of this.#closers) close();
  }

  #schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    const wait = Math.max(0, this.#lastPush + PUSH_MS - Date.now());
    this.#timer = setTimeout(() => this.#push(), wait);
  }

  #push(): void {
    this.#pending = false;
    this.#lastPush = Date.now();
    const changes = this.#monitor.takeChanges();
    const log = this.#notable;
    this.#notable = [];
    this.#recent = [...this.#recent, ...log].slice(-RECENT);
    if (this.#subscribers.size === 0) return;
    const update = {
      time: this.#lastPush,
      sessions: changes.sessions,
      removed: changes.removed,
      governors: changes.governors ? this.#monitor.governors : undefined,
      log,
    };
    for (const sub of this.#subscribers) {
      if (sub.stale) this.#send(sub, "snapshot", this.snapshot());
      else this.#send(sub, "update", update);
    }
  }

  /** Sends one message; a dashboard still reading the last one gets a snapshot later. */
  #send(sub: Subscriber, event: string, data: unknown): void {
    if (sub.busy) {
      sub.stale = true;
      return;
    }
    sub.busy = true;
    sub.stale = false;
    sub.stream.writeSSE({ event, data: JSON.stringify(data) }).finally(() => {
      sub.busy = false;
      if (sub.stale) this.#schedule();
    });
  }
}
