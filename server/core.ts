/**
 * What every way of running the server shares (`startServer`, which listens
 * itself, and `createServerApp`, which a host serves): the coordinator, the
 * secrets, the limits, the routes and the heartbeat check.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { checkToken, newToken } from "../common/auth.ts";
import type { WsUpgrade } from "../runtime/types.ts";
import { ClientLink, governorSummaries } from "./client_link.ts";
import { ConnectionCount } from "./connection_count.ts";
import { Coordinator } from "./coordinator.ts";
import { authMiddleware } from "./auth.ts";
import { governorHandler } from "./governor_handler.ts";
import { resolveLimits, type ServerLimits } from "./limits.ts";
import { guardedWs } from "./ws_guard.ts";

/** Options shared by `startServer` and `createServerApp`. */
export interface CoreOptions {
  /** Log lines (governors joining, refused connections, protocol errors). @default {() => {}} */
  log?: (message: string) => void;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number;
  /**
   * The secret clients and governors must present (at least 16 printable
   * characters). @default {a new random 256-bit secret}
   */
  token?: string;
  /**
   * Turns authentication off: anyone who can reach the port may run
   * programs as this user. @default {false}
   */
  noAuth?: boolean;
  /** Limits to change from their defaults. */
  limits?: Partial<ServerLimits>;
}

/** The running server's state, before it is served. */
export interface ServerCore {
  /** The server state. */
  coordinator: Coordinator;
  /** The secret, or `null` with authentication off. */
  token: string | null;
  /** Adds the routes (behind the authentication middleware) to an app. */
  build(app: Hono, ws: WsUpgrade): void;
  /** Stops the heartbeat check and closes every connection. */
  close(): void;
}

/** The server's WebSocket routes. */
const WS_PATHS: ReadonlySet<string> = new Set(["/ws/client", "/ws/governor"]);

/**
 * Makes a server's state and routes.
 *
 * @param options Secrets, limits, logging.
 * @returns The core, to be served.
 */
export function createCore(options: CoreOptions): ServerCore {
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
  const coordinator = new Coordinator();
  const clients = new Set<ClientLink>();
  const count = new ConnectionCount(limits.connectionsPerAddress);
  const timeout = options.heartbeatTimeoutMs ?? 5000;
  const heartbeats = setInterval(
    () => coordinator.checkHeartbeats(timeout, log),
    Math.min(1000, timeout / 2),
  );
  return {
    coordinator,
    token,
    build(app, ws) {
      if (token !== null) app.use("*", authMiddleware(token, WS_PATHS, log));
      app.get(
        "/ws/client",
        guardedWs(ws, count, log, "client", (_c, peer) => {
          let link: ClientLink | null = null;
          return {
            onOpen: (conn) => {
              link = new ClientLink(conn, coordinator, { dataToken, limits, log, peer });
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
          sessions: [...coordinator.sessions.values()].map((s) => ({
            id: s.id,
            name: s.name,
            state: s.state,
            tasks: s.tasks.size,
            unfinished: s.unfinished,
          })),
        }));
      app.get("/", (c) => c.text("Rain server\n"));
    },
    close() {
      clearInterval(heartbeats);
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
    },
  };
}
