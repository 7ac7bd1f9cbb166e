/**
 * A {@linkcode WsClient} over any WHATWG-style `WebSocket` constructor.
 *
 * @module
 */
import type { WsClient } from "./types.ts";

/** The part of the WHATWG WebSocket that Rain uses. */
interface WebSocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * Wraps a WebSocket so frames arrive as `Uint8Array`s.
 *
 * @param socket A freshly constructed WebSocket.
 * @param url The URL, for error messages.
 * @returns The client connection.
 */
export function wrapWebSocket(socket: WebSocketLike, url: string): WsClient {
  socket.binaryType = "arraybuffer";
  let open = false;
  const client: WsClient = {
    send: (data) => socket.send(data),
    close: () => socket.close(),
    opened: new Promise<void>((resolve, reject) => {
      socket.onopen = () => {
        open = true;
        resolve();
      };
      socket.onerror = () => {
        if (!open) reject(new Error(`Cannot connect to ${url}`));
      };
    }),
    onMessage: () => {},
    onClose: () => {},
  };
  client.opened.catch(() => {});
  socket.onmessage = (ev) => {
    const d = ev.data;
    client.onMessage(d instanceof ArrayBuffer ? new Uint8Array(d) : d as Uint8Array);
  };
  socket.onclose = (ev) => client.onClose(ev.reason || `closed (code ${ev.code ?? "?"})`);
  return client;
}
