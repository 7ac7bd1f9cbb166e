/**
 * Frames between two parts of one process (a governor that `rain start` runs
 * next to its server, `server/in_process_ws.ts`) travel as their messages
 * instead of as CBOR bytes: encoding and decoding the run messages and
 * reports cost about a quarter of such a server's CPU on 10,000 trivial
 * tasks. The receiver still checks every message (`decodeFrame` takes a
 * {@linkcode DirectFrame} as a frame), exactly as one from a socket.
 *
 * @module
 */

/** The messages of one frame, handed over without encoding. */
export class DirectFrame {
  /**
   * @param messages The messages, in order; the sender must not change them afterwards.
   */
  constructor(readonly messages: readonly unknown[]) {}
}

/** What delivers a frame's messages to the other end of a link. */
export type DirectSender = (messages: readonly unknown[]) => void;

const senders = new WeakMap<object, DirectSender>();

/**
 * Says that an end of a link (a `WsConnection` or `WsClient`) can take a
 * frame's messages without encoding.
 *
 * @param end The end.
 * @param send Delivers the messages to the other end.
 */
export function offerDirect(end: object, send: DirectSender): void {
  senders.set(end, send);
}

/**
 * How to send messages over an end without encoding them, if it can.
 *
 * @example An outbox that skips the codec where it can
 * ```ts ignore
 * new Outbox((frame) => conn.send(frame), undefined, directSender(conn));
 * ```
 *
 * @param end A `WsConnection` or `WsClient`.
 * @returns The sender, or `undefined` for a real socket.
 */
export function directSender(end: object): DirectSender | undefined {
  return senders.get(end);
}
