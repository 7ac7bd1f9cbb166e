/**
 * The Bun implementation of the runtime seam: `Bun.serve` + `hono/bun` for
 * serving, Bun's global `WebSocket` as client.
 *
 * @module
 */
import process from "node:process";
import { Hono } from "npm:hono@^4.10.0";
import { getConnInfo, upgradeWebSocket, websocket } from "npm:hono@^4.10.0/bun";
import type { ListeningServer, Runtime, ServeOptions, ServerTls, WsUpgrade } from "./types.ts";
import { wrapWebSocket } from "./_ws_client.ts";
import { adaptUpgrade } from "./_hono_ws.ts";
import { peer } from "./_peer.ts";
import { spawnPiped } from "./_piped.ts";
import { spawnProcess } from "./_child_process.ts";
import { readFileStream, writeFileStream } from "./_node_files.ts";
import { nodeProcess } from "./_node_process.ts";
import { peerAddressOf } from "./_connect.ts";

/** Bun's `ServerWebSocket` as hono/bun's handlers take it, and `terminate()`. */
type BunServerWs = Parameters<typeof websocket.open>[0] & { terminate(): void };

/** The part of Bun's `Server` used here. */
interface BunServer {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
}

/** The `websocket` option of `Bun.serve`. */
interface BunWebSocketHandlers {
  maxPayloadLength?: number;
  open(ws: BunServerWs): void;
  message(ws: BunServerWs, message: string | Uint8Array): void;
  close(ws: BunServerWs, code: number, reason: string): void;
}

/** The part of the `Bun` global used here. */
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    tls?: ServerTls;
    fetch: (req: Request, server: BunServer) => Response | Promise<Response>;
    websocket: BunWebSocketHandlers;
    maxRequestBodySize?: number;
  }): BunServer;
  /** A garbage collection; synchronous when `force` is `true`. */
  gc(force: boolean): void;
};

/** Bun's `fetch` and `WebSocket` take trusted CAs as `tls: { ca }`. */
type BunTls = { tls?: { ca: string } };

/** Largest accepted frame; Bun's default is 16 MiB, this matches the `ws` package on Node. */
const MAX_PAYLOAD = 100 * 1024 * 1024;
/** How long `close()` waits for WebSocket close handshakes before cutting sockets. */
const WS_CLOSE_GRACE_MS = 1000;

// hono/bun hands binary frames over as ArrayBuffer, text frames as string.
const wsUpgrade: WsUpgrade = adaptUpgrade(upgradeWebSocket);

/**
 * `Bun.serve`'s `websocket` handlers for hono/bun's upgrade.
 *
 * @param open Kept up to date with the open sockets.
 * @param onAllClosed Called whenever the last open socket closed.
 * @returns The handlers.
 */
function bunWebSocket(open: Set<BunServerWs>, onAllClosed: () => void): BunWebSocketHandlers {
  return {
    maxPayloadLength: MAX_PAYLOAD,
    open(ws) {
      open.add(ws);
      websocket.open(ws);
    },
    message(ws, message) {
      // hono/bun passes `message.buffer` on: make sure that is exactly the frame.
      if (
        typeof message !== "string" &&
        (message.byteOffset !== 0 || message.byteLength !== message.buffer.byteLength)
      ) message = new Uint8Array(message); // a copy (Buffer#slice would be a view)
      websocket.message(ws, message);
    },
    close(ws, code, reason) {
      open.delete(ws);
      try {
        websocket.close(ws, code, reason);
      } finally {
        if (open.size === 0) onAllClosed();
      }
    },
  };
}

function listen({ hostname, port, tls, build }: ServeOptions): ListeningServer {
  const app = new Hono();
  build(app, wsUpgrade);
  const open = new Set<BunServerWs>();
  const closeWaiters = new Set<() => void>();
  const server = Bun.serve({
    hostname,
    port,
    ...(tls ? { tls } : {}),
    fetch: (req, srv) => app.fetch(req, srv),
    websocket: bunWebSocket(open, () => {
      for (const w of closeWaiters) w();
    }),
    // Bun refuses request bodies over 128 MiB by default; uploaded constants stream to disk.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  });
  let closing: Promise<void> | undefined;
  return {
    hostname: server.hostname,
    port: server.port,
    close() {
      return closing ??= (async () => {
        if (open.size > 0) {
          let done!: () => void;
          const allClosed = new Promise<void>((resolve) => done = resolve);
          closeWaiters.add(done);
          for (const ws of open) ws.close(1001, "Server shutting down");
          let timer: ReturnType<typeof setTimeout> | undefined;
          const grace = new Promise<void>((resolve) =>
            timer = setTimeout(resolve, WS_CLOSE_GRACE_MS)
          );
          await Promise.race([allClosed, grace]);
          clearTimeout(timer);
          closeWaiters.delete(done);
        }
        // Graceful unless some WebSocket ignored the close handshake.
        await server.stop(open.size > 0);
      })();
    },
  };
}

/** Rain's runtime seam on Bun. */
export const bunRuntime: Runtime = {
  name: "bun",
  // Bun.serve throws synchronously (port in use...): turn that into a rejection.
  serve: (options) => new Promise((resolve) => resolve(listen(options))),
  embedWebSocket: () => ({ upgrade: wsUpgrade, websocket: bunWebSocket(new Set(), () => {}) }),
  spawn: spawnProcess,
  prepareSpawn: () => {},
  readFileStream,
  writeFileStream,
  spawnScript: (options) => spawnPiped(options, process.execPath, []),
  connectWebSocket(url, { headers, ca } = {}) {
    const options: BunTls & { headers?: Record<string, string> } = {};
    if (headers !== undefined) options.headers = headers;
    if (ca !== undefined) options.tls = { ca };
    return wrapWebSocket(new WebSocket(url, options as never) as never, url);
  },
  httpGet(url, { headers, ca } = {}) {
    const init: RequestInit & BunTls = {};
    if (headers !== undefined) init.headers = headers;
    if (ca !== undefined) init.tls = { ca };
    return fetch(url, init);
  },
  clientAddress: (c) => peer(() => getConnInfo(c).remote),
  peerAddress: (c) => peerAddressOf(() => getConnInfo(c).remote.address),
  collectGarbage: () => Bun.gc(true),
  ...nodeProcess,
};
