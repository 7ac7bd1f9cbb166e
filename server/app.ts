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
import type { Coordinator } from "./coordinator.ts";
import { type CoreOptions, createCore } from "./core.ts";
import type { Monitoring } from "./monitoring.ts";

export type { RepeatTimer } from "./core.ts";

/** Options of {@linkcode createServerApp}: the secret, limits, logging, and the host's own parts. */
export interface ServerAppOptions extends CoreOptions {
  /**
   * WebSocket support of a host that accepts sockets itself (the Durable
   * Object of `edge/`); by default the runtime's `embedWebSocket(app)`. (Left
   * out of the API reference, which does not document Hono's types.)
   *
   * @ignore
   */
  webSocket?: EmbeddedWebSocket | undefined;
}

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
  injectWebSocket?: ((server: unknown) => void) | undefined;
  /**
   * The server state (the project's own tools read it: tests, dashboard).
   *
   * @ignore
   */
  coordinator: Coordinator;
  /** The event stream and what it feeds (the dashboard's monitor). */
  monitoring: Monitoring;
  /** The secret clients and governors present, or `null` with authentication off. */
  token: string | null;
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
 * @param options The secret (a random one by default: read `token`), limits,
 *   logging, the governors' heartbeat timeout, and the host's WebSocket
 *   support and timer when it has its own.
 * @returns The app and what the host needs to serve it.
 */
export function createServerApp(options: ServerAppOptions = {}): ServerApp {
  const core = createCore(options);
  const app = new Hono();
  const ws = options.webSocket ?? runtime.embedWebSocket(app);
  core.build(app, ws.upgrade);
  return {
    app,
    fetch: app.fetch,
    websocket: ws.websocket,
    injectWebSocket: ws.injectWebSocket,
    coordinator: core.coordinator,
    monitoring: core.monitoring,
    token: core.token,
    close: () => core.close(),
  };
}
