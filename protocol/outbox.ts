/**
 * Batches outgoing messages: everything pushed during one turn of the event
 * loop leaves in a single frame (flushed on a microtask). Messages nobody
 * waits for may wait one turn more, for company.
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";
import { encodeFrame, MAX_FRAME_BYTES } from "./codec.ts";
import type { DirectSender } from "./direct_frame.ts";

/** Most messages put in one frame; larger batches are split. */
const MAX_BATCH = 8192;

/** A batching sender of protocol messages. */
export class Outbox<M> {
  #queue: M[] = [];
  #scheduled = false;
  #later = false;
  #send: (frame: Uint8Array) => void;
  #beforeFlush: (() => void) | undefined;
  #direct: DirectSender | undefined;

  /**
   * @param send Sends one encoded frame (e.g. over a WebSocket).
   * @param beforeFlush Called when a frame is about to leave, to push the
   *   messages that go last (e.g. frees gathered during the turn).
   * @param direct Hands a frame's messages over unencoded instead, when the
   *   peer is in this process (`direct_frame.ts`).
   */
  constructor(
    send: (frame: Uint8Array) => void,
    beforeFlush?: () => void,
    direct?: DirectSender,
  ) {
    this.#send = send;
    this.#beforeFlush = beforeFlush;
    this.#direct = direct;
  }

  /**
   * Queues a message for the next flush.
   *
   * @param message The message.
   */
  push(message: M): void {
    this.#queue.push(message);
    this.schedule();
  }

  /** Makes sure a flush runs at the end of this turn (e.g. for `beforeFlush` messages). */
  schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Queues a message nobody waits for: it leaves with the next frame, at the
   * latest at the next turn of the event loop. A request sent in the same
   * turn (e.g. the next submit after an `unkeep()`) then shares its frame:
   * one frame, one wake-up of the peer, instead of two.
   *
   * @param message The message.
   */
  pushLater(message: M): void {
    this.#queue.push(message);
    this.scheduleLater();
  }

  /** Makes sure a flush runs by the next turn of the event loop. */
  scheduleLater(): void {
    if (this.#scheduled || this.#later) return;
    this.#later = true;
    runtime.nextTurn(() => {
      this.#later = false;
      if (!this.#scheduled) this.flush();
    });
  }

  /** Sends every queued message now. */
  flush(): void {
    this.#beforeFlush?.();
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    if (this.#direct) return this.#direct(queue);
    try {
      for (let i = 0; i < queue.length; i += MAX_BATCH) {
        this.#sendBatch(queue.length <= MAX_BATCH ? queue : queue.slice(i, i + MAX_BATCH));
      }
    } catch {
      // The connection is gone; its close handler cleans up.
    }
  }

  /** Sends messages in as few frames as the frame size bound allows. */
  #sendBatch(batch: M[]): void {
    const frame = encodeFrame(batch);
    if (frame.byteLength <= MAX_FRAME_BYTES || batch.length === 1) {
      // A single message over the bound is the sender's bug; the receiver refuses it.
      this.#send(frame);
      return;
    }
    const half = batch.length >> 1;
    this.#sendBatch(batch.slice(0, half));
    this.#sendBatch(batch.slice(half));
  }
}
