/**
 * The server's WebSockets in a Durable Object, with the platform's
 * hibernation API: the object accepts each socket (`ctx.acceptWebSocket`) and
 * the platform delivers its frames and its close to the object's handler
 * methods, which {@linkcode DurableSockets} routes to the socket's
 * {@linkcode WsHandler} (a client or governor link).
 *
 * @module
 */
import type { Context } from "hono";
import type { WsConnection, WsHandler, WsUpgrade } from "../runtime/types.ts";
import { type DurableObjectState, type EdgeWebSocket, webSocketPair } from "./platform.ts";

/**
 * Close code and reason of a socket that outlived the instance that accepted
 * it (WebSocket close reasons are limited to 123 bytes).
 */
export const RESTARTED = {
  code: 1012,
  reason:
    "Rain server restarted (Durable Object evicted): sessions of the earlier instance are lost",
} as const;

/** One open socket: its handler and the connection the handler sees. */
interface Open {
  handler: WsHandler;
  conn: WsConnection;
}

/** The WebSockets accepted by one instance of the server's Durable Object. */
export class DurableSockets {
  readonly #ctx: DurableObjectState;
  readonly #open = new Map<EdgeWebSocket, Open>();
  readonly #onAccept: () => void;

  /**
   * @param ctx The Durable Object's state.
   * @param onAccept Called after each socket is accepted (e.g. to arm the heartbeat alarm).
   */
  constructor(ctx: DurableObjectState, onAccept: () => void) {
    this.#ctx = ctx;
    this.#onAccept = onAccept;
  }

  /** How many sockets this instance has open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Rain's WebSocket route maker for the Hono app: accepts the upgrade with
   * the hibernation API and answers `101` with the client end.
   */
  readonly upgrade: WsUpgrade = (factory) => (c: Context) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      return Promise.resolve(c.text("Expected a WebSocket upgrade", 426));
    }
    const { 0: client, 1: server } = new (webSocketPair())();
    this.#ctx.acceptWebSocket(server);
    const conn: WsConnection = {
      send: (data) => server.send(data),
      close: (code, reason) => server.close(code, reason),
    };
    const handler = factory(c);
    this.#open.set(server, { handler, conn });
    handler.onOpen(conn);
    this.#onAccept();
    return Promise.resolve(
      new Response(null, { status: 101, webSocket: client } as ResponseInit),
    );
  };

  /**
   * Hands a received frame to its socket's handler. A socket that an earlier
   * instance accepted (the object was evicted and started again, so the state
   * it talked to is gone) is closed with {@linkcode RESTARTED}.
   *
   * @param ws The socket.
   * @param data The frame.
   */
  message(ws: EdgeWebSocket, data: ArrayBuffer | string): void {
    const open = this.#open.get(ws);
    if (!open) return ws.close(RESTARTED.code, RESTARTED.reason);
    open.handler.onMessage(open.conn, typeof data === "string" ? data : new Uint8Array(data));
  }

  /**
   * Completes the closing handshake the peer started and tells the socket's
   * handler that it closed (or failed). Without the reply the peer's side
   * stays half-closed until its own timeout (30 s in the `ws` package).
   *
   * @param ws The socket.
   * @param code The peer's close code, echoed back.
   */
  closed(ws: EdgeWebSocket, code?: number): void {
    try {
      ws.close(code === undefined || code === 1005 || code === 1006 ? 1000 : code);
    } catch {
      // Already closed from this side, or the connection is gone.
    }
    const open = this.#open.get(ws);
    if (!open) return;
    this.#open.delete(ws);
    open.handler.onClose(open.conn);
  }

  /**
   * Closes every socket accepted by an earlier instance of the object, with
   * {@linkcode RESTARTED}: their peers learn at once that the sessions are
   * lost (clients fail their pending requests with the reason, governors
   * reconnect or exit) instead of waiting on a coordinator that is gone.
   */
  closeStale(): void {
    for (const ws of this.#ctx.getWebSockets()) {
      if (!this.#open.has(ws)) ws.close(RESTARTED.code, RESTARTED.reason);
    }
  }
}
