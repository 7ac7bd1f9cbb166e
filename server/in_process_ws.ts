/**
 * A WebSocket-shaped link between two parts of one process (a governor that
 * `rain start` runs next to its server): the same frames and the same
 * handler as over a socket, without the socket, its framing and the
 * runtime's stream machinery on both ends.
 *
 * @module
 */
import { DirectFrame, offerDirect } from "../protocol/direct_frame.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient, WsConnection, WsHandler } from "../runtime/types.ts";

/**
 * Opens a link to a WebSocket handler of this process. Frames arrive in
 * order, each in a later turn of the event loop (as from a socket, so that
 * neither side runs inside the other's call); a frame is copied when sent,
 * as a socket would, since encoders reuse their buffers. Outboxes skip the
 * encoding and hand their messages over (`protocol/direct_frame.ts`).
 * Closing either end delivers what was sent before, then closes both.
 *
 * @example A governor in the server's process
 * ```ts ignore
 * const ws = inProcessWebSocket(governorHandler(coordinator, context));
 * ```
 *
 * @param handler The accepting side's handler (`onOpen` runs first).
 * @returns The connecting side's end.
 */
export function inProcessWebSocket(handler: WsHandler): WsClient {
  let open = true;
  const later = (deliver: () => void) => runtime.nextTurn(deliver);
  const close = (reason: string) => {
    if (!open) return;
    open = false;
    later(() => {
      handler.onClose(conn);
      client.onClose(reason);
    });
  };
  const conn: WsConnection = {
    send(data) {
      if (!open) return;
      const frame = data.slice();
      later(() => client.onMessage(frame));
    },
    close: (code, reason) => close(reason || `closed (code ${code ?? 1000})`),
  };
  const client: WsClient = {
    send(data) {
      if (!open) return;
      const frame = data.slice();
      later(() => handler.onMessage(conn, frame));
    },
    close: () => close("closed (code 1000)"),
    opened: Promise.resolve(),
    onMessage: () => {},
    onClose: () => {},
  };
  // Outboxes hand their messages over unencoded (`direct_frame.ts`); the
  // receiving handlers decode a DirectFrame as they do bytes.
  offerDirect(conn, (messages) => {
    if (!open) return;
    const frame = new DirectFrame(messages) as unknown as Uint8Array;
    later(() => client.onMessage(frame));
  });
  offerDirect(client, (messages) => {
    if (!open) return;
    const frame = new DirectFrame(messages) as unknown as Uint8Array;
    later(() => handler.onMessage(conn, frame));
  });
  later(() => handler.onOpen(conn));
  return client;
}
