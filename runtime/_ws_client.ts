/**
 * A {@linkcode WsClient} over any WHATWG-style `WebSocket` constructor.
 *
 * @module
 */
import type { WsClient } from "./types.ts";

/**
 * The part of the WHATWG WebSocket that Rain uses; the handlers take `never`
 * so that every implementation's own event types fit (the handlers below
 * say what they read of their event).
 */
interface WebSocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  close(): void;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
}

/**
 * Normalises a received WebSocket frame: binary data of any shape (`ArrayBuffer`,
 * Node `Buffer`, other views) becomes a `Uint8Array`, text stays a string.
 *
 * @param data The frame payload as the runtime delivered it.
 * @returns The frame as bytes, or the text.
 */
export function toFrame(data: unknown): Uint8Array | string {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError(`Unexpected WebSocket frame type: ${Object.prototype.toString.call(data)}`);
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
      socket.onerror = (ev) => {
        // `ws` and Bun say why (e.g. "unable to verify the first certificate").
        const why = (ev as { message?: unknown }).message;
        if (!open) reject(new Error(`Cannot connect to ${url}${why ? `: ${why}` : ""}`));
      };
    }),
    onMessage: () => {},
    onClose: () => {},
  };
  client.opened.catch(() => {});
  socket.onmessage = (ev: { data: unknown }) => client.onMessage(toFrame(ev.data) as Uint8Array);
  socket.onclose = (ev: { code?: number; reason?: string }) =>
    client.onClose(ev.reason || `closed (code ${ev.code ?? "?"})`);
  return client;
}
