/**
 * Adapts a runtime's Hono `upgradeWebSocket` to Rain's {@linkcode WsUpgrade}:
 * one connection object per socket, binary frames as bytes.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "npm:hono@^4.10.0";
import type { WSContext, WSEvents } from "npm:hono@^4.10.0/ws";
import type { WsConnection, WsUpgrade } from "./types.ts";
import { toFrame } from "./_ws_client.ts";

/** The shape shared by `hono/deno`, `hono/bun` and `@hono/node-ws` upgrade helpers. */
// deno-lint-ignore no-explicit-any
type HonoUpgrade<T> = (createEvents: (c: Context) => WSEvents<T>) => MiddlewareHandler<any>;

/**
 * Wraps a Hono WebSocket upgrade helper.
 *
 * @param upgrade The runtime's `upgradeWebSocket`.
 * @param onOpen Called with each socket as it opens (e.g. to set its binary type).
 * @returns Rain's upgrade function.
 */
export function adaptUpgrade<T>(
  upgrade: HonoUpgrade<T>,
  onOpen?: (ws: WSContext<T>) => void,
): WsUpgrade {
  return (factory) =>
    upgrade((c) => {
      const handler = factory(c);
      let conn: WsConnection | undefined;
      const get = (ws: WSContext<T>) =>
        conn ??= {
          send: (d) => ws.send(d as Uint8Array<ArrayBuffer>),
          close: (code, reason) => ws.close(code, reason),
        };
      return {
        onOpen: (_e, ws) => {
          onOpen?.(ws);
          handler.onOpen(get(ws));
        },
        onMessage: (e, ws) => handler.onMessage(get(ws), toFrame(e.data)),
        onClose: (_e, ws) => handler.onClose(get(ws)),
      };
    });
}
