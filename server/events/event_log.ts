/**
 * The in-memory event log: the last `capacity` events in a ring, numbered
 * and timed, handed to every listener as they are emitted.
 *
 * Emitting is on the hot path of every task (about five events per task at
 * tens of thousands of tasks per second). The events that come per task
 * are kept in typed-array columns (numbers, and references to strings the
 * server holds anyway), not as the objects the callers built: those die
 * young, which costs the garbage collector next to nothing, while keeping
 * them would promote every one of them to the old generation. The other
 * events (a few per session or governor) are kept as they are. The time is
 * read once per turn of the event loop.
 *
 * @module
 */
import { NO_USER } from "../../common/attributes.ts";
import type { EventOf, LoggedEvent, RainEvent } from "./event_map.ts";

/** Called with each event as it is emitted. */
export type EventListener = (e: RainEvent, time: number, seq: number) => void;

/** Events kept in memory by default. */
export const DEFAULT_EVENT_CAPACITY = 100_000;

// Kinds of the events kept in columns; 0: kept as an object.
const READY = 1, ASSIGNED = 2, FINISHED = 3, STORED = 4, FREED = 5;

/** A bounded log of the server's events. */
export class EventLog {
  /** Most events kept. */
  readonly capacity: number;
  readonly #kind: Uint8Array;
  readonly #times: Float64Array;
  readonly #session: Int32Array;
  readonly #n: Int32Array;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #governor: (string | undefined)[];
  readonly #text: (string | undefined)[];
  readonly #objects: (RainEvent | undefined)[];
  #seq = 0;
  #slot = 0;
  #listeners: EventListener[] = [];
  #now = 0;
  readonly #tick = () => this.#now = 0;

  /**
   * Makes an empty log.
   *
   * @param capacity Most events kept in memory (older ones are dropped).
   */
  constructor(capacity: number = DEFAULT_EVENT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Event log capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#kind = new Uint8Array(capacity);
    this.#times = new Float64Array(capacity);
    this.#session = new Int32Array(capacity);
    this.#n = new Int32Array(capacity);
    this.#x = new Float64Array(capacity);
    this.#y = new Float64Array(capacity);
    this.#governor = new Array(capacity).fill(undefined);
    this.#text = new Array(capacity).fill(undefined);
    this.#objects = new Array(capacity).fill(undefined);
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
    const i = this.#slot;
    this.#slot = i + 1 === this.capacity ? 0 : i + 1;
    this.#times[i] = time;
    this.#store(i, e);
    const listeners = this.#listeners;
    for (let k = 0; k < listeners.length; k++) listeners[k]!(e, time, seq);
  }

  #store(i: number, e: RainEvent): void {
    let kind = 0;
    switch (e.type) {
      case "task:ready":
        kind = READY;
        this.#session[i] = e.session;
        this.#n[i] = e.task;
        break;
      case "task:assigned":
        kind = ASSIGNED;
        this.#session[i] = e.session;
        this.#n[i] = e.task;
        this.#governor[i] = e.governor;
        break;
      case "task:finished":
        if (e.debug !== "" || e.user !== NO_USER) break;
        kind = FINISHED;
        this.#session[i] = e.session;
        this.#n[i] = e.task;
        this.#governor[i] = e.governor;
        this.#x[i] = e.start;
        this.#y[i] = e.duration;
        break;
      case "object:stored":
        kind = STORED;
        this.#session[i] = e.session;
        this.#n[i] = e.object;
        this.#governor[i] = e.governor;
        this.#x[i] = e.size;
        this.#text[i] = e.contentType;
        break;
      case "object:freed":
        kind = FREED;
        this.#session[i] = e.session;
        this.#n[i] = e.object;
        this.#governor[i] = e.governor;
        this.#x[i] = e.size;
        break;
    }
    this.#kind[i] = kind;
    this.#objects[i] = kind === 0 ? e : undefined;
  }

  #load(i: number): RainEvent {
    const session = this.#session[i]!, n = this.#n[i]!, governor = this.#governor[i]!;
    switch (this.#kind[i]) {
      case READY:
        return { type: "task:ready", session, task: n };
      case ASSIGNED:
        return { type: "task:assigned", session, task: n, governor };
      case FINISHED:
        return {
          type: "task:finished",
          session,
          task: n,
          governor,
          start: this.#x[i]!,
          duration: this.#y[i]!,
          debug: "",
          user: NO_USER,
        } satisfies EventOf<"task:finished">;
      case STORED: {
        const size = this.#x[i]!, contentType = this.#text[i]!;
        return { type: "object:stored", session, object: n, governor, size, contentType };
      }
      case FREED:
        return { type: "object:freed", session, object: n, governor, size: this.#x[i]! };
      default:
        return this.#objects[i]!;
    }
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
      // Event `seq` sits `this.#seq - seq` slots behind the next free one.
      const i = (this.#slot - (this.#seq - seq) - 1 + 2 * this.capacity) % this.capacity;
      out.push({ seq, time: this.#times[i]!, ...this.#load(i) });
    }
    return out;
  }
}
