/**
 * The Node implementation of the runtime seam: `@hono/node-server` +
 * `@hono/node-ws` for serving, the `ws` package as WebSocket client.
 *
 * @module
 */
import process from "node:process";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Hono } from "npm:hono@^4.10.0";
import { createAdaptorServer } from "npm:@hono/node-server@^1.19.11";
import { createNodeWebSocket } from "npm:@hono/node-ws@^1.3.1";
import { getConnInfo } from "npm:@hono/node-server@^1.19.11/conninfo";
import { WebSocket as NodeWebSocket } from "npm:ws@^8.18.0";
import type { Runtime, WsUpgrade } from "./types.ts";
import { wrapWebSocket } from "./_ws_client.ts";
import { adaptUpgrade } from "./_hono_ws.ts";
import { peer } from "./_peer.ts";
import { spawnPiped } from "./_piped.ts";
import { spawnProcess } from "./_child_process.ts";
import { readFileStream, writeFileStream } from "./_node_files.ts";
import { nodeProcess } from "./_node_process.ts";
import { collectV8Garbage } from "./_v8_gc.ts";
import { peerAddressOf, wsOptions } from "./_connect.ts";
import { nodeHttpGet } from "./_node_http.ts";

/** How long `close()` waits for WebSocket close handshakes before cutting sockets. */
const WS_CLOSE_GRACE_MS = 1000;

/** The part of a `ws` server-side socket that `close()` uses. */
interface RawWs {
  readyState: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  once(event: "close", listener: () => void): void;
}

function makeUpgrade(
  upgradeWebSocket: ReturnType<typeof createNodeWebSocket>["upgradeWebSocket"],
): WsUpgrade {
  // @hono/node-ws hands binary frames over as ArrayBuffer, text frames as string.
  return adaptUpgrade(upgradeWebSocket);
}

/** Rain's runtime seam on Node. */
export const nodeRuntime: Runtime = {
  name: "node",
  async serve({ hostname, port, tls, build }) {
    const app = new Hono();
    const nodeWs = createNodeWebSocket({ app });
    build(app, makeUpgrade(nodeWs.upgradeWebSocket));
    const server = createAdaptorServer({
      fetch: app.fetch,
      hostname,
      ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
    }) as Server;
    nodeWs.injectWebSocket(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, hostname, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return {
      hostname: addr.address,
      port: addr.port,
      close() {
        return closing ??= (async () => {
          // Upgraded sockets are detached from the HTTP server: close them ourselves.
          const sockets: RawWs[] = [...nodeWs.wss.clients];
          const wsClosed = Promise.all(
            sockets.map((ws) =>
              ws.readyState === 3 ? Promise.resolve() : new Promise<void>((resolve) => {
                ws.once("close", resolve);
                ws.close(1001, "Server shutting down");
              })
            ),
          );
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const grace = new Promise<void>((resolve) =>
            timer = setTimeout(resolve, WS_CLOSE_GRACE_MS)
          );
          await Promise.race([wsClosed, grace]);
          clearTimeout(timer);
          for (const ws of sockets) if (ws.readyState !== 3) ws.terminate();
          await wsClosed;
          await new Promise<void>((resolve) => nodeWs.wss.close(() => resolve()));
          await httpClosed;
        })();
      },
    };
  },
  embedWebSocket(app) {
    const nodeWs = createNodeWebSocket({ app });
    return {
      upgrade: makeUpgrade(nodeWs.upgradeWebSocket),
      injectWebSocket: (server) => nodeWs.injectWebSocket(server as Server),
    };
  },
  spawn: spawnProcess,
  prepareSpawn: () => {},
  readFileStream,
  writeFileStream,
  spawnScript: (options) =>
    spawnPiped(options, process.execPath, [
      ...process.execArgv,
      ...(options.maxHeapMb ? [`--max-old-space-size=${options.maxHeapMb}`] : []),
    ]),
  connectWebSocket: (url, options) =>
    wrapWebSocket(new NodeWebSocket(url, wsOptions(options)) as never, url),
  httpGet: nodeHttpGet,
  clientAddress: (c) => peer(() => getConnInfo(c).remote),
  peerAddress: (c) => peerAddressOf(() => getConnInfo(c).remote.address),
  collectGarbage: collectV8Garbage,
  ...nodeProcess,
};
