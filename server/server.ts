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
import { addDashboardRoutes } from "./dashboard/routes.ts";
import { EVENT_LOG_VERSION } from "./events/event_map.ts";
import type { LogLevel } from "./events/log_lines.ts";
import { governorHandler } from "./governor_handler.ts";
import { createMonitoring, type Monitoring, type RetentionOptions } from "./monitoring.ts";

/** Default port of the server, as in Rain. */
export { DEFAULT_SERVER_PORT };

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /** Address to bind. @default {"127.0.0.1"} */
  hostname?: string;
  /** Port to bind; 0 picks a free one. @default {7210} */
  port?: number;
  /** Log lines (sessions and governors at `logLevel`, protocol errors). @default {() => {}} */
  log?: (message: string) => void;
  /** How much is logged to `log`. @default {"normal"} */
  logLevel?: LogLevel;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number;
  /**
   * How long uploaded constant data that no constant uses stays on its
   * governor, so that a later submit of the same data sends nothing.
   * @default {1800000 (30 minutes)}
   */
  contentRetentionMs?: number;
  /** Appends the event log to a new NDJSON file in this directory (made when missing). */
  logDir?: string;
  /** How much history (events, closed sessions) is kept in memory. */
  retention?: RetentionOptions;
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
  /** The event stream and what it feeds (the dashboard's monitor). */
  monitoring: Monitoring;
  /** The event log file being written (`--log-dir`), or `null`. */
  logFile: string | null;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Adds Rain's routes to a Hono app: the client and governor WebSockets,
 * `/api/info`, and the dashboard with its API.
 *
 * @param app The app.
 * @param ws The runtime's WebSocket upgrade.
 * @param coordinator The server state.
 * @param monitoring The event stream and what it feeds.
 * @param log Log sink.
 * @param clients The set of connected clients, kept up to date.
 */
export function addRoutes(
  app: Hono,
  ws: WsUpgrade,
  coordinator: Coordinator,
  monitoring: Monitoring,
  log: (m: string) => void,
  clients: Set<ClientLink>,
): void {
  app.get(
    "/ws/client",
    ws((c) => {
      let link: ClientLink | null = null;
      const address = runtime.clientAddress(c);
      return {
        onOpen: (conn) =>
          clients.add(link = new ClientLink(conn, coordinator, address, monitoring.monitor)),
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
  addDashboardRoutes(app, { ...monitoring, source: "live" });
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
  const log = options.log ?? (() => {});
  const monitoring = createMonitoring(options);
  const logFile = options.logDir ? await monitoring.writeTo(options.logDir) : null;
  monitoring.events.emit({ type: "server:started", version: EVENT_LOG_VERSION });
  const coordinator = new Coordinator(monitoring.events, {
    contentRetentionMs: options.contentRetentionMs,
  });
  const clients = new Set<ClientLink>();
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_SERVER_PORT;
  let listening: ListeningServer;
  try {
    listening = await runtime.serve({
      hostname,
      port,
      build: (app, ws) => addRoutes(app, ws, coordinator, monitoring, log, clients),
    });
  } catch (e) {
    await monitoring.close();
    throw listenError(e, hostname, port);
  }
  const timeout = options.heartbeatTimeoutMs ?? 5000;
  const heartbeats = setInterval(
    () => coordinator.checkHeartbeats(timeout),
    Math.min(1000, timeout / 2),
  );
  return {
    hostname: listening.hostname,
    port: listening.port,
    coordinator,
    monitoring,
    logFile,
    async close() {
      clearInterval(heartbeats);
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
      // Open dashboard streams would keep the HTTP server from stopping.
      monitoring.feed.close();
      await listening.close();
      await monitoring.close();
    },
  };
}
