/**
 * The Rain server: a Hono app serving the client and governor protocols
 * over WebSocket, plus a small HTTP API.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { DEFAULT_SERVER_PORT, listenError } from "../common/address.ts";
import { runtime } from "../runtime/mod.ts";
import type { ListeningServer, WsUpgrade } from "../runtime/types.ts";
import { ClientLink, governorSummaries } from "./client_link.ts";
import { Coordinator } from "./coordinator.ts";
import { governorHandler } from "./governor_handler.ts";

/** Default port of the server, as in Rain. */
export { DEFAULT_SERVER_PORT };

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /** Address to bind. @default {"127.0.0.1"} */
  hostname?: string;
  /** Port to bind; 0 picks a free one. @default {7210} */
  port?: number;
  /** Log lines (governors joining, protocol errors). @default {() => {}} */
  log?: (message: string) => void;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number;
  /**
   * How long uploaded constant data that no constant uses stays on its
   * governor, so that a later submit of the same data sends nothing.
   * @default {1800000 (30 minutes)}
   */
  contentRetentionMs?: number;
}

/** A running server. */
export interface RainServer {
  /** The bound address. */
  hostname: string;
  /** The bound port. */
  port: number;
  /**
   * The server state (the project's own tools read it: tests, dashboard).
   *
   * @ignore
   */
  coordinator: Coordinator;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Adds Rain's routes to a Hono app.
 *
 * @param app The app.
 * @param ws The runtime's WebSocket upgrade.
 * @param coordinator The server state.
 * @param log Log sink.
 * @param clients The set of connected clients, kept up to date.
 */
export function addRoutes(
  app: Hono,
  ws: WsUpgrade,
  coordinator: Coordinator,
  log: (m: string) => void,
  clients: Set<ClientLink>,
): void {
  app.get(
    "/ws/client",
    ws(() => {
      let link: ClientLink | null = null;
      return {
        onOpen: (conn) => clients.add(link = new ClientLink(conn, coordinator)),
        onMessage: (_conn, data) => link?.onFrame(data),
        onClose: () => {
          if (link) clients.delete(link);
          link?.onClose();
        },
      };
    }),
  );
  app.get(
    "/ws/governor",
    ws((c) => governorHandler(coordinator, log, runtime.peerAddress(c))),
  );
  app.get("/api/info", (c) =>
    c.json({
      governors: governorSummaries(coordinator),
      contents: coordinator.contents.summary(),
      sessions: [...coordinator.sessions.values()].map((s) => ({
        id: s.id,
        name: s.name,
        state: s.state,
        tasks: s.tasks.size,
        unfinished: s.unfinished,
      })),
    }));
  app.get("/", (c) => c.text("Rain server\n"));
}

/**
 * Starts a server.
 *
 * @example Start a server on a free port
 * ```ts ignore
 * const server = await startServer({ port: 0 });
 * console.log(`listening on ${server.hostname}:${server.port}`);
 * await server.close();
 * ```
 *
 * @param options Where to listen.
 * @returns The running server.
 */
export async function startServer(options: ServerOptions = {}): Promise<RainServer> {
  const coordinator = new Coordinator({ contentRetentionMs: options.contentRetentionMs });
  const log = options.log ?? (() => {});
  const clients = new Set<ClientLink>();
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_SERVER_PORT;
  const listening: ListeningServer = await runtime.serve({
    hostname,
    port,
    build: (app, ws) => addRoutes(app, ws, coordinator, log, clients),
  }).catch((e) => {
    throw listenError(e, hostname, port);
  });
  const timeout = options.heartbeatTimeoutMs ?? 5000;
  const heartbeats = setInterval(
    () => coordinator.checkHeartbeats(timeout, log),
    Math.min(1000, timeout / 2),
  );
  return {
    hostname: listening.hostname,
    port: listening.port,
    coordinator,
    async close() {
      clearInterval(heartbeats);
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
      await listening.close();
    },
  };
}
