/**
 * One WebSocket connection of a governor to its server: the registration
 * handshake, heartbeats, and the server's messages handed on.
 *
 * @module
 */
import { decodeFrame } from "../protocol/codec.ts";
import {
  GOVERNOR_PROTOCOL_VERSION,
  type GovernorMessage,
  validateServerToGovernor,
  type ValidServerToGovernor,
} from "../protocol/governor.ts";
import { Outbox } from "../protocol/outbox.ts";
import { directSender } from "../protocol/direct_frame.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient } from "../runtime/types.ts";
import type { Credentials } from "./server_link.ts";

/** The server answered the registration with a refusal (retrying will not help). */
export class RegistrationRefusedError extends Error {
  /** Stable error code. */
  readonly code = "REFUSED";
  /**
   * @param message The server's reason.
   */
  constructor(message: string) {
    super(`Server refused governor: ${message}`);
    this.name = "RegistrationRefusedError";
  }
}

/** The server refused the governor's credentials (a wrong or missing secret). */
export class UnauthorizedError extends Error {
  /** Stable error code. */
  readonly code = "UNAUTHORIZED";
  /**
   * @param reason The server's close reason (`Unauthorized: wrong token`).
   * @param credentials Where the secret came from, and whether it can change.
   */
  constructor(reason: string, readonly credentials: Credentials) {
    super(`Server refused governor: ${reason} (${credentials.hint})`);
    this.name = "UnauthorizedError";
  }
}

/** Options of {@linkcode openServerConnection}. */
export interface ConnectionOptions {
  /** The governor WebSocket's URL (`ws://` or `wss://`). */
  url: string;
  /** The secret to present. */
  credentials: Credentials;
  /** Certificates (PEM) trusted instead of the system's CAs. */
  ca?: string | undefined;
  /** The address the governor registers (its data server's `host:port`). */
  address: string;
  /** The governor's cpus. */
  cpus: number;
  /** Interval of heartbeats (ms). */
  heartbeatMs: number;
  /** Receives every message after `registered` (in order, synchronously). */
  onMessage(message: ValidServerToGovernor): void;
  /** Log sink. */
  log(message: string): void;
  /** Opens the connection instead of a WebSocket to `url` (a governor in the server's process). */
  connect?: (() => WsClient) | undefined;
}

/** An open (or opening) connection to the server. */
export interface ServerConnection {
  /** Queues a message (everything queued in one turn leaves in one frame). */
  send(message: GovernorMessage): void;
  /**
   * Resolves once the server accepted the registration, with the data
   * servers' secret (`null` when the server runs without authentication);
   * rejects with a {@linkcode RegistrationRefusedError}, an
   * {@linkcode UnauthorizedError}, or an error saying why the connection
   * failed or closed first.
   */
  registered: Promise<string | null>;
  /** Resolves with the reason once the connection is closed. */
  closed: Promise<string>;
  /** Closes the connection. */
  close(): void;
}

/**
 * Opens a connection and registers; the connection is returned at once so
 * that the messages following `registered` in the same frame already find
 * their handler.
 *
 * @param options Server, registration and handler.
 * @returns The connection.
 */
export function openServerConnection(options: ConnectionOptions): ServerConnection {
  const ws = options.connect?.() ?? runtime.connectWebSocket(options.url, {
    headers: options.credentials.headers,
    ca: options.ca,
  });
  const outbox = new Outbox<GovernorMessage>(
    (frame) => ws.send(frame),
    undefined,
    directSender(ws),
  );
  const registered = Promise.withResolvers<string | null>();
  const closed = Promise.withResolvers<string>();
  let accepted = false;
  registered.promise.catch(() => {}); // A caller that stopped waiting must not see it unhandled.
  ws.onMessage = (data) => {
    try {
      for (const raw of decodeFrame(data)) {
        const m = validateServerToGovernor(raw);
        if (m.type === "registered") {
          accepted = true;
          registered.resolve(m.dataToken ?? null);
        } else if (m.type === "refused") {
          registered.reject(new RegistrationRefusedError(m.message));
        } else if (accepted) options.onMessage(m);
      }
    } catch (e) {
      options.log(`Protocol error from server: ${(e as Error).message}`);
      ws.close();
    }
  };
  ws.onClose = (reason) => {
    clearInterval(heartbeat);
    const closedError = reason.startsWith("Unauthorized")
      ? new UnauthorizedError(reason, options.credentials)
      : new Error(`Server connection closed: ${reason}`);
    // A connection that never opened says why (a refused TLS certificate...) through `opened`.
    ws.opened.then(() => registered.reject(closedError), (e) => registered.reject(e));
    closed.resolve(reason);
  };
  const heartbeat = setInterval(
    () => outbox.push({ type: "heartbeat", memory: runtime.residentMemory() }),
    options.heartbeatMs,
  );
  ws.opened.then(
    () =>
      outbox.push({
        type: "register",
        version: GOVERNOR_PROTOCOL_VERSION,
        address: options.address,
        cpus: options.cpus,
      }),
    (e) => registered.reject(e),
  );
  return {
    send: (m) => outbox.push(m),
    registered: registered.promise,
    closed: closed.promise,
    close() {
      clearInterval(heartbeat);
      ws.close();
    },
  };
}
