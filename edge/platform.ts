/**
 * The few Cloudflare Workers APIs the edge server uses, typed here: the
 * platform's own typings (`@cloudflare/workers-types`) redeclare the global
 * `Request`, `Response` and `WebSocket` and cannot be type-checked together
 * with Deno's, which check the rest of the repository.
 *
 * @module
 */

/** A server-side WebSocket of the platform (`WebSocketPair`), accepted by a Durable Object. */
export interface EdgeWebSocket {
  /** Sends a frame. */
  send(data: ArrayBuffer | ArrayBufferView | string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
}

/** A Durable Object's storage: only its alarm is used (the coordinator's state is in memory). */
export interface DurableObjectStorage {
  /**
   * Schedules the object's `alarm()` at `scheduledTime` (epoch ms), replacing
   * any earlier one; with `allowUnconfirmed`, outgoing messages do not wait
   * for the write.
   */
  setAlarm(scheduledTime: number, options?: { allowUnconfirmed?: boolean }): Promise<void>;
}

/** The state the platform hands a Durable Object (`ctx`). */
export interface DurableObjectState {
  /** Accepts a WebSocket with the hibernation API: its events reach the object's handler methods. */
  acceptWebSocket(ws: EdgeWebSocket): void;
  /** Every WebSocket accepted by this object, also by earlier instances of it. */
  getWebSockets(): EdgeWebSocket[];
  /** The object's storage. */
  storage: DurableObjectStorage;
}

/** A stub of one Durable Object. */
export interface DurableObjectStub {
  /** Sends it a request (WebSocket upgrades included). */
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object namespace binding. */
export interface DurableObjectNamespace {
  /** The id of the object with this name. */
  idFromName(name: string): unknown;
  /** The stub of an object. */
  get(id: unknown): DurableObjectStub;
}

/** The worker's bindings (`wrangler.jsonc`, `edge/workerd.capnp`). */
export interface EdgeEnv {
  /** The Durable Object namespace of the server. */
  RAIN_SERVER: DurableObjectNamespace;
  /** The heartbeat timeout in ms, as text (unset or empty: 5000). */
  RAIN_HEARTBEAT_TIMEOUT_MS?: string;
  /**
   * The secret clients and governors must present (a Workers secret:
   * `wrangler secret put RAIN_TOKEN`); the server refuses to start without it.
   */
  RAIN_TOKEN?: string;
}

/** The platform's `WebSocketPair`: `[client, server]`. */
export type WebSocketPairConstructor = new () => { 0: EdgeWebSocket; 1: EdgeWebSocket };

/**
 * The platform's `WebSocketPair` (a global of workerd).
 *
 * @returns The constructor.
 * @throws {Error} Outside workerd.
 */
export function webSocketPair(): WebSocketPairConstructor {
  const pair = (globalThis as { WebSocketPair?: WebSocketPairConstructor }).WebSocketPair;
  if (!pair) throw new Error("Cannot accept a WebSocket: WebSocketPair exists only in workerd");
  return pair;
}
