/**
 * The governors' heartbeat check on a Durable Object's alarm: a timer that
 * outlives the request that started it, and that keeps the object in memory
 * while anyone is connected.
 *
 * @module
 */
import type { RepeatTimer } from "../server/app.ts";
import type { DurableObjectStorage } from "./platform.ts";

/**
 * Runs the heartbeat check from the object's `alarm()`, every interval while
 * `active()` holds (any client or governor connected).
 *
 * An alarm is an event of the object, so one each interval also keeps the
 * platform from hibernating or evicting the object while its in-memory
 * sessions are in use (hibernation needs 10 s without events); once nobody is
 * connected the alarm stops and the idle object may hibernate, losing nothing.
 */
export class HeartbeatAlarm {
  readonly #storage: DurableObjectStorage;
  readonly #active: () => boolean;
  #check: (() => void) | null = null;
  #everyMs = 1000;
  #armed = false;

  /**
   * @param storage The object's storage, which holds its alarm.
   * @param active Whether the check must go on (someone is connected).
   */
  constructor(storage: DurableObjectStorage, active: () => boolean) {
    this.#storage = storage;
    this.#active = active;
  }

  /** The timer for `createServerApp({ heartbeatTimer })`. */
  readonly timer: RepeatTimer = (check, everyMs) => {
    this.#check = check;
    this.#everyMs = everyMs;
    this.arm();
    return () => {
      this.#check = null;
    };
  };

  /** Schedules the next check unless one is scheduled or none is needed (cheap: call it often). */
  arm(): void {
    if (this.#armed || !this.#check || !this.#active()) return;
    this.#armed = true;
    // Unconfirmed: frames to clients and governors need not wait for this write.
    // A failed one is tried again at the next frame (the object calls arm() on each).
    this.#storage.setAlarm(Date.now() + this.#everyMs, { allowUnconfirmed: true }).catch((e) => {
      this.#armed = false;
      console.error(`Cannot schedule the heartbeat check: ${(e as Error).message}`);
    });
  }

  /** The object's `alarm()`: runs the check and schedules the next one. */
  fire(): void {
    this.#armed = false;
    this.#check?.();
    this.arm();
  }
}
