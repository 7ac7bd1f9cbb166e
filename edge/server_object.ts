/**
 * The Rain server as a Cloudflare Durable Object: one instance holds the
 * whole coordinator (sessions, graph, scheduler, governor and client links),
 * and every client and governor WebSocket of the deployment reaches it.
 *
 * The state lives in the instance's memory only. The object stays in memory
 * while anyone is connected (see {@linkcode HeartbeatAlarm}); when the
 * platform evicts or restarts it anyway (a deploy, a crash, a limit
 * exceeded), the sessions are lost: sockets the platform kept open are closed
 * with {@linkcode RESTARTED} by the next instance, clients fail their
 * pending requests with that reason, and governors must join again.
 *
 * @module
 */
import { createServerApp, type ServerApp } from "../server/app.ts";
import { HeartbeatAlarm } from "./heartbeat_alarm.ts";
import type { DurableObjectState, EdgeEnv, EdgeWebSocket } from "./platform.ts";
import { DurableSockets, RESTARTED } from "./sockets.ts";

export { RESTARTED };

/**
 * Reads the heartbeat timeout binding.
 *
 * @param text The binding's text (unset or empty: the default).
 * @returns The timeout in ms, if set.
 * @throws {Error} When it is not a positive number.
 */
function heartbeatTimeout(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Number(text);
  if (!(ms > 0)) {
    throw new Error(`Cannot read RAIN_HEARTBEAT_TIMEOUT_MS "${text}": not a positive number`);
  }
  return ms;
}

/**
 * Reads the secret binding: at the edge there is no user-only file to write
 * a generated one to, so it must be given.
 *
 * @param text The binding's text.
 * @returns The secret.
 * @throws {Error} When it is not set.
 */
function secret(text: string | undefined): string {
  if (!text) {
    throw new Error(
      "Cannot start the Rain server: its secret is not set. Set it with " +
        "`npx wrangler secret put RAIN_TOKEN` (local workerd: the RAIN_TOKEN environment variable)",
    );
  }
  return text.trim();
}

/** The server's Durable Object class (the worker exports it as `RainServer`). */
export class RainServerObject {
  readonly #sockets: DurableSockets;
  readonly #alarm: HeartbeatAlarm;
  readonly #rain: ServerApp;

  /**
   * @param ctx The object's state, from the platform.
   * @param env The worker's bindings.
   */
  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    this.#sockets = new DurableSockets(ctx, () => this.#alarm.arm());
    this.#alarm = new HeartbeatAlarm(ctx.storage, () => this.#sockets.size > 0);
    this.#sockets.closeStale();
    this.#rain = createServerApp({
      token: secret(env.RAIN_TOKEN),
      log: (message) => console.log(message),
      heartbeatTimeoutMs: heartbeatTimeout(env.RAIN_HEARTBEAT_TIMEOUT_MS),
      webSocket: { upgrade: this.#sockets.upgrade },
      heartbeatTimer: this.#alarm.timer,
    });
  }

  /**
   * Serves a request: the client and governor WebSocket upgrades and the
   * HTTP routes of the server's Hono app.
   *
   * @param request The request, forwarded by the worker.
   * @returns The response.
   */
  fetch(request: Request): Response | Promise<Response> {
    return this.#rain.fetch(request);
  }

  /**
   * The platform's hibernation API: a frame arrived on a socket.
   *
   * @param ws The socket.
   * @param message The frame.
   */
  webSocketMessage(ws: EdgeWebSocket, message: ArrayBuffer | string): void {
    this.#sockets.message(ws, message);
    this.#alarm.arm();
  }

  /**
   * The platform's hibernation API: the peer closed a socket.
   *
   * @param ws The socket.
   * @param code The peer's close code.
   */
  webSocketClose(ws: EdgeWebSocket, code: number): void {
    this.#sockets.closed(ws, code);
  }

  /**
   * The platform's hibernation API: a socket failed.
   *
   * @param ws The socket.
   */
  webSocketError(ws: EdgeWebSocket): void {
    this.#sockets.closed(ws);
  }

  /** The object's alarm: the governors' heartbeat check. */
  alarm(): void {
    this.#alarm.fire();
  }
}
