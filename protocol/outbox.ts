/**
 * Batches outgoing messages: everything pushed during one turn of the event
 * loop leaves in a single frame (flushed on a microtask).
 *
 * @module
 */
import { encodeFrame } from "./codec.ts";

/** Most messages put in one frame; larger batches are split. */
const MAX_BATCH = 8192;

/** A batching sender of protocol messages. */
export class Outbox<M> {
  #queue: M[] = [];
  #scheduled = false;
  #send: (frame: Uint8Array) => void;

  /**
   * @param send Sends one encoded frame (e.g. over a WebSocket).
   */
  constructor(send: (frame: Uint8Array) => void) {
    this.#send = send;
  }

  /**
   * Queues a message for the next flush.
   *
   * @param message The message.
   */
  push(message: M): void {
    this.#queue.push(message);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends every queued message now. */
  flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    try {
      for (let i = 0; i < queue.length; i += MAX_BATCH) {
        this.#send(encodeFrame(queue.length <= MAX_BATCH ? queue : queue.slice(i, i + MAX_BATCH)));
      }
    } catch {
      // The connection is gone; its close handler cleans up.
    }
  }
}
