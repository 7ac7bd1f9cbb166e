/**
 * The gate in front of the server's WebSocket routes: a connection whose
 * upgrade request was not authenticated, or whose peer address is at its
 * connection limit, is closed as it opens with the reason, and no frame of
 * it is ever read.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "npm:hono@^4.10.0";
import { AUTH_CLOSE_CODE, LIMIT_CLOSE_CODE } from "../common/auth.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsHandler, WsUpgrade } from "../runtime/types.ts";
import { wsRefusal } from "./auth.ts";
import type { ConnectionCount } from "./connection_count.ts";

/** A handler that closes its connection as it opens and ignores everything. */
function closing(code: number, reason: string): WsHandler {
  return {
    onOpen: (conn) => conn.close(code, reason),
    onMessage() {},
    onClose() {},
  };
}

/**
 * Makes a guarded WebSocket route.
 *
 * @param ws The runtime's WebSocket upgrade.
 * @param count Open connections per address (its `max` is the limit).
 * @param log Log sink (refusals, with the peer's address).
 * @param what What connects, for messages (e.g. `"client"`).
 * @param factory Makes the real handler of an admitted connection, given the
 *   peer's address.
 * @returns The route handler.
 */
export function guardedWs(
  ws: WsUpgrade,
  count: ConnectionCount,
  log: (message: string) => void,
  what: string,
  factory: (c: Context, peer: string) => WsHandler,
): MiddlewareHandler {
  return ws((c) => {
    const refused = wsRefusal(c);
    if (refused !== undefined) return closing(AUTH_CLOSE_CODE, `Unauthorized: ${refused}`);
    const peer = runtime.peerAddress(c);
    const inner = factory(c, peer);
    let counted = false;
    return {
      onOpen(conn) {
        counted = count.add(peer);
        if (counted) return inner.onOpen(conn);
        const reason = `Too many connections from ${peer} (limit ${count.max})`;
        log(`Refused ${what} connection: ${reason}`);
        conn.close(LIMIT_CLOSE_CODE, reason);
      },
      onMessage(conn, data) {
        if (counted) inner.onMessage(conn, data);
      },
      onClose(conn) {
        if (!counted) return;
        counted = false;
        count.remove(peer);
        inner.onClose(conn);
      },
    };
  });
}
