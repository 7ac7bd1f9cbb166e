/**
 * The Rain server listening on a port of its own: the routes of
 * `routes.ts` served by the runtime, the heartbeat check, and (on request)
 * the event log file.
 *
 * @module
 */
import { DEFAULT_SERVER_PORT, listenError } from "../common/address.ts";
import { runtime } from "../runtime/mod.ts";
import type { ListeningServer } from "../runtime/types.ts";
import type { ClientLink } from "./client_link.ts";
import { Coordinator } from "./coordinator.ts";
import { EVENT_LOG_VERSION } from "./events/event_map.ts";
import { writeLogFile } from "./events/log_file.ts";
import type { LogLevel } from "./events/log_lines.ts";
import { createMonitoring, type Monitoring, type RetentionOptions } from "./monitoring.ts";
import { addRoutes } from "./routes.ts";

/** Default port of the server, as in Rain. */
export { DEFAULT_SERVER_PORT };

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /** Address to bind. @default {"127.0.0.1"} */
  hostname?: string | undefined;
  /** Port to bind; 0 picks a free one. @default {7210} */
  port?: number | undefined;
  /** Log lines (sessions and governors at `logLevel`, protocol errors). @default {() => {}} */
  log?: ((message: string) => void) | undefined;
  /** How much is logged to `log`. @default {"normal"} */
  logLevel?: LogLevel | undefined;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number | undefined;
  /** Appends the event log to a new NDJSON file in this directory (made when missing). */
  logDir?: string | undefined;
  /** How much history (events, closed sessions) is kept in memory. */
  retention?: RetentionOptions | undefined;
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
  const logFile = options.logDir
    ? await writeLogFile(
      monitoring.events,
      options.logDir,
      (e) => (options.log ?? console.error)(e.message),
    )
    : null;
  monitoring.events.emit({ type: "server:started", version: EVENT_LOG_VERSION });
  const coordinator = new Coordinator(monitoring.events);
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
    monitoring.close();
    await logFile?.close();
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
    logFile: logFile?.path ?? null,
    async close() {
      clearInterval(heartbeats);
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
      // Open dashboard streams would keep the HTTP server from stopping.
      monitoring.close();
      await listening.close();
      await logFile?.close();
    },
  };
}
