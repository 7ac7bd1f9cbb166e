/**
 * The in-memory event log: the last `capacity` events in a ring, numbered
 * and timed, handed to every listener as they are emitted.
 *
 * Emitting is on the hot path of every task (several events per task at
 * tens of thousands of tasks per second), so it stores a reference to the
 * event the caller built, a time read once per turn of the event loop, and
 * calls the listeners: nothing is copied or serialised here.
 *
 * @module
 */
import type { LoggedEvent, RainEvent } from "./event_map.ts";

/** Called with each event as it is emitted. */
export type EventListener = (e: RainEvent, time: number, seq: number) => void;

/** Events kept in memory by default. */
export const DEFAULT_EVENT_CAPACITY = 100_000;

/** A bounded log of the server's events. */
export class EventLog {
  /** Most events kept. */
  readonly capacity: number;
  readonly #ring: (RainEvent | undefined)[];
  readonly #times: Float64Array;
  #seq = 0;
  #listeners: EventListener[] = [];
  #now = 0;
  readonly #tick = () => this.#now = 0;

  /**
   * @param capacity Most events kept in memory (older ones are dropped).
   */
  constructor(capacity: number = DEFAULT_EVENT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Event log capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#ring = new Array(capacity);
    this.#times = new Float64Array(capacity);
  }

  /** Number of the last event emitted (0 before the first). */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Records an event and hands it to every listener. The event must not be
   * changed afterwards.
   *
   * @example Emit a governor event
   * ```ts ignore
   * log.emit({ type: "governor:joined", governor: "127.0.0.1:4000", cpus: 8 });
   * ```
   *
   * @param e The event.
   */
  emit(e: RainEvent): void {
    // One clock read per turn: a turn handles a whole frame of reports.
    if (this.#now === 0) {
      this.#now = Date.now();
      queueMicrotask(this.#tick);
    }
    this.record(e, this.#now);
  }

  /**
   * Records an event that happened at a given time (replaying a log file).
   *
   * @param e The event.
   * @param time When it happened, epoch ms.
   */
  record(e: RainEvent, time: number): void {
    const seq = ++this.#seq;
    const i = seq % this.capacity;
    this.#ring[i] = e;
    this.#times[i] = time;
    const listeners = this.#listeners;
    for (let k = 0; k < listeners.length; k++) listeners[k]!(e, time, seq);
  }

  /**
   * Adds a listener.
   *
   * @param listener Called with every later event.
   * @returns A function removing the listener.
   */
  on(listener: EventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => this.#listeners = this.#listeners.filter((l) => l !== listener);
  }

  /**
   * The events still in memory after a given one, oldest first.
   *
   * @param after Number of the last event already seen (0 for all).
   * @param limit Most events returned.
   * @returns The events with their numbers and times.
   */
  since(after: number, limit: number = Infinity): LoggedEvent[] {
    const first = Math.max(after + 1, this.#seq - this.capacity + 1, 1);
    const last = Math.min(this.#seq, first + limit - 1);
    const out: LoggedEvent[] = [];
    for (let seq = first; seq <= last; seq++) {
      const i = seq % this.capacity;
      out.push({ seq, time: this.#times[i]!, ...this.#ring[i]! });
    }
    return out;
  }
}
