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
  type ServerToGovernorMessage,
  validateServerToGovernor,
} from "../protocol/governor.ts";
import { Outbox } from "../protocol/outbox.ts";
import { runtime } from "../runtime/mod.ts";

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

/** Options of {@linkcode openServerConnection}. */
export interface ConnectionOptions {
  /** The server's `host:port`. */
  server: string;
  /** The address the governor registers (its data server's `host:port`). */
  address: string;
  /** The governor's cpus. */
  cpus: number;
  /** Interval of heartbeats (ms). */
  heartbeatMs: number;
  /** Receives every message after `registered` (in order, synchronously). */
  onMessage(message: ServerToGovernorMessage): void;
  /** Log sink. */
  log(message: string): void;
}

/** An open (or opening) connection to the server. */
export interface ServerConnection {
  /** Queues a message (everything queued in one turn leaves in one frame). */
  send(message: GovernorMessage): void;
  /**
   * Resolves once the server accepted the registration; rejects with a
   * {@linkcode RegistrationRefusedError}, or an error saying why the
   * connection failed or closed first.
   */
  registered: Promise<void>;
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
  const ws = runtime.connectWebSocket(`ws://${options.server}/ws/governor`);
  const outbox = new Outbox<GovernorMessage>((frame) => ws.send(frame));
  const registered = Promise.withResolvers<void>();
  const closed = Promise.withResolvers<string>();
  let accepted = false;
  registered.promise.catch(() => {}); // A caller that stopped waiting must not see it unhandled.
  ws.onMessage = (data) => {
    try {
      for (const raw of decodeFrame(data)) {
        const m = validateServerToGovernor(raw);
        if (m.type === "registered") {
          accepted = true;
          registered.resolve();
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
    registered.reject(new Error(`Server connection closed: ${reason}`));
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
