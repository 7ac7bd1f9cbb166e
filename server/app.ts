/**
 * The server as a Hono app for hosts that serve it themselves: an edge
 * runtime or an existing HTTP server (`Deno.serve`, `Bun.serve`, Node's
 * `@hono/node-server`).
 *
 * @module
 */
import { Hono } from "npm:hono@^4.10.0";
import { runtime } from "../runtime/mod.ts";
import type { EmbeddedWebSocket } from "../runtime/types.ts";
import type { ClientLink } from "./client_link.ts";
import { Coordinator } from "./coordinator.ts";
import { EVENT_LOG_VERSION } from "./events/event_map.ts";
import type { LogLevel } from "./events/log_lines.ts";
import { createMonitoring, type Monitoring, type RetentionOptions } from "./monitoring.ts";
import { addRoutes } from "./server.ts";

/** Options of {@linkcode createServerApp}. */
export interface ServerAppOptions {
  /** Log lines (sessions and governors at `logLevel`, protocol errors). @default {() => {}} */
  log?: (message: string) => void;
  /** How much is logged to `log`. @default {"normal"} */
  logLevel?: LogLevel;
  /** A governor silent this long (ms) is declared lost. @default {5000} */
  heartbeatTimeoutMs?: number;
  /**
   * How long uploaded constant data that no constant uses stays on its
   * governor. @default {1800000 (30 minutes)}
   */
  contentRetentionMs?: number;
  /** How much history (events, closed sessions) is kept in memory. */
  retention?: RetentionOptions;
  /**
   * WebSocket support of a host that accepts sockets itself (the Durable
   * Object of `edge/`); by default the runtime's `embedWebSocket(app)`. (Left
   * out of the API reference, which does not document Hono's types.)
   *
   * @ignore
   */
  webSocket?: EmbeddedWebSocket;
  /**
   * Runs the governors' heartbeat check every `everyMs` until the returned
   * function is called; for a host whose timers do not outlive a request (a
   * Durable Object uses alarms). @default {setInterval}
   */
  heartbeatTimer?: RepeatTimer;
}

/** Calls `check` every `everyMs` ms; the returned function stops it. */
export type RepeatTimer = (check: () => void, everyMs: number) => () => void;

const intervalTimer: RepeatTimer = (check, everyMs) => {
  const id = setInterval(check, everyMs);
  return () => clearInterval(id);
};

/** A server not listening anywhere yet: its app and handlers for the host. */
export interface ServerApp {
  /**
   * The Hono app: the client and governor WebSockets, `/api/info`. (Left out
   * of the API reference, which does not document Hono's types.)
   *
   * @ignore
   */
  app: Hono;
  /**
   * The app's fetch handler: `Deno.serve(rain.fetch)`, `Bun.serve({ fetch: rain.fetch, ... })`.
   *
   * @param request The HTTP request.
   * @param env The host's bindings, if any.
   * @param executionCtx The host's execution context, if any.
   * @returns The response.
   */
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response>;
  /** Bun only: pass to `Bun.serve` beside `fetch` (`Bun.serve({ fetch, websocket })`). */
  websocket?: unknown;
  /** Node only: call with the `node:http` server from `@hono/node-server`'s `serve()`. */
  injectWebSocket?: (server: unknown) => void;
  /**
   * The server state (the project's own tools read it: tests, dashboard).
   *
   * @ignore
   */
  coordinator: Coordinator;
  /** The event stream and what it feeds (the dashboard's monitor). */
  monitoring: Monitoring;
  /**
   * Closes every governor and client connection and stops the heartbeat
   * check; stopping the host's server is the host's business.
   */
  close(): void;
}

/**
 * Makes a server as a Hono app, for a host that serves HTTP itself.
 *
 * @example Serve with Deno.serve
 * ```ts ignore
 * const rain = createServerApp();
 * Deno.serve({ port: 7210 }, rain.fetch);
 * ```
 *
 * @example Serve with Bun.serve
 * ```ts ignore
 * const rain = createServerApp();
 * Bun.serve({ port: 7210, fetch: rain.fetch, websocket: rain.websocket });
 * ```
 *
 * @param options Logging, the governors' heartbeat timeout, and the host's
 *   WebSocket support and timer when it has its own.
 * @returns The app and what the host needs to serve it.
 */
export function createServerApp(options: ServerAppOptions = {}): ServerApp {
  const monitoring = createMonitoring(options);
  monitoring.events.emit({ type: "server:started", version: EVENT_LOG_VERSION });
  const coordinator = new Coordinator(monitoring.events, {
    contentRetentionMs: options.contentRetentionMs,
  });
  const log = options.log ?? (() => {});
  const clients = new Set<ClientLink>();
  const app = new Hono();
  const ws = options.webSocket ?? runtime.embedWebSocket(app);
  addRoutes(app, ws.upgrade, coordinator, monitoring, log, clients);
  const timeout = options.heartbeatTimeoutMs ?? 5000;
  const stopHeartbeats = (options.heartbeatTimer ?? intervalTimer)(
    () => coordinator.checkHeartbeats(timeout),
    Math.min(1000, timeout / 2),
  );
  return {
    app,
    fetch: app.fetch,
    websocket: ws.websocket,
    injectWebSocket: ws.injectWebSocket,
    coordinator,
    monitoring,
    close() {
      stopHeartbeats();
      for (const g of coordinator.scheduler.governors) g.close();
      for (const c of clients) c.close();
      monitoring.feed.close();
    },
  };
}
