/**
 * What every way of running the server shares (`startServer`, which listens
 * itself, and `createServerApp`, which a host serves): the coordinator, its
 * event stream and monitor, the secrets, the limits, the routes (behind the
 * authentication middleware) and the heartbeat check.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { checkToken, newToken } from "../common/auth.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient, WsUpgrade } from "../runtime/types.ts";
import { inProcessWebSocket } from "./in_process_ws.ts";
import { ClientLink, governorSummaries } from "./client_link.ts";
import { ConnectionCount } from "./connection_count.ts";
import { Coordinator } from "./coordinator.ts";
import { authMiddleware } from "./auth.ts";
import { addDashboardRoutes } from "./dashboard/routes.ts";
import { EVENT_LOG_VERSION } from "./events/event_map.ts";
import type { LogLevel } from "./events/log_lines.ts";
import { governorHandler } from "./governor_handler.ts";
import { collectWhenIdle } from "./idle_collection.ts";
import { resolveLimits, type ServerLimits } from "./limits.ts";
import { createMonitoring, type Monitoring, type RetentionOptions } from "./monitoring.ts";
import { guardedWs } from "./ws_guard.ts";

/** Calls `check` every `everyMs` ms; the returned function stops it. */
export type RepeatTimer = (check: () => void, everyMs: number) => () => void;

const intervalTimer: RepeatTimer = (check, everyMs) => {
  const id = setInterval(check, everyMs);
  return () => clearInterval(id);
};

/** Options shared by `startServer` and `createServerApp`. */
export interface CoreOptions {
  /**
   * Log lines (sessions and governors at `logLevel`, refused connections,
   * protocol errors). @default {() => {}}
   */
  log?: ((message: string) => void) | undefined;
  /** How much is logged to `log`. @default {"normal"} */
  logLevel?: LogLevel | undefined;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number | undefined;
  /** How much history (events, closed sessions) is kept in memory. */
  retention?: RetentionOptions | undefined;
  /**
   * How long uploaded constant data that no constant uses stays on its
   * governor, so that a later submit of the same data sends nothing.
   * @default {1800000 (30 minutes)}
   */
  contentRetentionMs?: number | undefined;
  /**
   * The secret clients and governors must present (at least 16 printable
   * characters). @default {a new random 256-bit secret}
   */
  token?: string | undefined;
  /**
   * Turns authentication off: anyone who can reach the port may run
   * programs as this user. @default {false}
   */
  noAuth?: boolean | undefined;
  /** Limits to change from their defaults. */
  limits?: Partial<ServerLimits> | undefined;
  /**
   * Runs the governors' heartbeat check every `everyMs` until the returned
   * function is called; for a host whose timers do not outlive a request (a
   * Durable Object uses alarms). @default {setInterval}
   */
  heartbeatTimer?: RepeatTimer | undefined;
}

/** The running server's state, before it is served. */
export interface ServerCore {
  /** The server state. */
  coordinator: Coordinator;
  /** The event stream and what it feeds. */
  monitoring: Monitoring;
  /** The secret, or `null` with authentication off. */
  token: string | null;
  /** Adds the routes (behind the authentication middleware) to an app. */
  build(app: Hono, ws: WsUpgrade): void;
  /**
   * Connects a governor of this process: the governor's messages and
   * checks, without a socket (and without a secret to present: it is this
   * process). The governor still registers, is handed the data secret, and
   * serves its objects' data over HTTP like any other.
   */
  connectGovernor(): WsClient;
  /** Stops the heartbeat check, closes every connection and the dashboard's streams. */
  close(): void;
}

/** The peer address of a governor of this process in log lines (a loopback one: it is here). */
const IN_PROCESS_PEER = "127.0.0.1";

/** The server's WebSocket routes. */
const WS_PATHS: ReadonlySet<string> = new Set(["/ws/client", "/ws/governor"]);

/**
 * Makes a server's state and routes.
 *
 * @param options Secrets, limits, logging, retention, the heartbeat timer.
 * @param monitoring The event stream, when the host made it already (to
 *   follow it into a log file from the first event).
 * @returns The core, to be served.
 */
export function createCore(
  options: CoreOptions,
  monitoring: Monitoring = createMonitoring(options),
): ServerCore {
  const log = options.log ?? (() => {});
  const limits = resolveLimits(options.limits);
  const token = options.noAuth
    ? null
    : options.token === undefined
    ? newToken()
    : checkToken(options.token, "the token option");
  // Governors' object data servers check this one, handed to governors and
  // clients once they have authenticated: it never leaves with the main secret,
  // and it changes at each start even when the main secret is fixed.
  const dataToken = token === null ? null : newToken();
  monitoring.events.emit({ type: "server:started", version: EVENT_LOG_VERSION });
  const coordinator = new Coordinator(monitoring.events, {
    contentRetentionMs: options.contentRetentionMs,
  });
  // Where the runtime can collect on demand (not on workerd): memory goes back after each burst.
  const collect = runtime.collectGarbage;
  const stopIdleCollection = collect
    ? collectWhenIdle(monitoring.events, {
      sessions: coordinator.sessions,
      collect,
      residentMemory: () => runtime.residentMemory(),
    })
    : () => {};
  const clients = new Set<ClientLink>();
  const count = new ConnectionCount(limits.connectionsPerAddress);
  const timeout = options.heartbeatTimeoutMs ?? 5000;
  const stopHeartbeats = (options.heartbeatTimer ?? intervalTimer)(
    () => coordinator.checkHeartbeats(timeout),
    Math.min(1000, timeout / 2),
  );
  return {
    coordinator,
    monitoring,
    token,
    build(app, ws) {
      if (token !== null) app.use("*", authMiddleware(token, WS_PATHS, log));
      app.get(
        "/ws/client",
        guardedWs(ws, count, log, "client", (c, peer) => {
          let link: ClientLink | null = null;
          const address = runtime.clientAddress(c);
          return {
            onOpen: (conn) => {
              const context = { dataToken, limits, log, peer };
              link = new ClientLink(conn, coordinator, context, address, monitoring.monitor);
              clients.add(link);
            },
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
        guardedWs(
          ws,
          count,
          log,
          "governor",
          (_c, peer) => governorHandler(coordinator, { dataToken, limits, log, peer }),
        ),
      );
      app.get("/api/info", (c) =>
        c.json({
          governors: governorSummaries(coordinator),
          contents: coordinator.contents.summary(),
          sessions: [...coordinator.sessions.values()].map((s) => ({
            id: s.id,
            name: s.name,
            state: s.state,
            tasks: s.tasks.size + s.archive.tasks,
            unfinished: s.unfinished,
          })),
        }));
      addDashboardRoutes(app, { ...monitoring, source: "live" });
      app.get("/", (c) => c.text("Rain server\n"));
    },
    connectGovernor: () =>
      inProcessWebSocket(
        governorHandler(coordinator, { dataToken, limits, log, peer: IN_PROCESS_PEER }),
      ),
    close() {
      stopHeartbeats();
      stopIdleCollection();
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
      // Open dashboard streams would keep an HTTP server from stopping.
      monitoring.close();
    },
  };
}
