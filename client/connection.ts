/**
 * The client's connection to the server: a WebSocket carrying batched CBOR
 * frames, a version handshake, and request/reply matching by `rid`; every
 * reply is checked against its request's reply type.
 *
 * @module
 */
import { RainError, SessionFailedError } from "../common/errors.ts";
import { authHeaders } from "../common/auth.ts";
import type { DataAccess } from "../protocol/data_plane.ts";
import {
  type ClientMessage,
  type RequestType,
  validateServerToClient,
} from "../protocol/client.ts";
import { replies, type Reply } from "../protocol/client_replies.ts";
import { decodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { Outbox } from "../protocol/outbox.ts";
import { validate, type Validator } from "../protocol/validate.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient } from "../runtime/types.ts";

/** A client request without its `rid` (added by {@linkcode Connection.request}). */
export type Request = ClientMessage extends infer M
  ? M extends { rid: number } ? Omit<M, "rid"> : never
  : never;

interface Pending {
  /** The request's type, naming the reply in errors. */
  type: RequestType;
  /** The validator of the reply's value. */
  reply: Validator<unknown>;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Where and how to connect. */
export interface ConnectTarget {
  /** The server's `host:port`. */
  address: string;
  /** Whether to use TLS (`wss://`). */
  tls: boolean;
  /** Certificates (PEM) trusted instead of the system's CAs. */
  ca?: string | undefined;
  /** The secret to present, if any. */
  token?: string | undefined;
  /** Where the secret came from, for errors (e.g. `"RAIN_TOKEN"`, a file). */
  tokenSource?: string | undefined;
}

/** An open, greeted connection to a Rain server. */
export class Connection {
  readonly #ws: WsClient;
  readonly #outbox: Outbox<ClientMessage>;
  readonly #pending = new Map<number, Pending>();
  /** Per session id, what to call when the server says the session failed. */
  readonly #onSessionFailed = new Map<number, (message: string) => void>();
  #nextRid = 1;
  #closed: string | null = null;
  /** How to reach governors' object data; the data secret arrives with `welcome`. */
  readonly dataAccess: DataAccess;

  private constructor(ws: WsClient, target: ConnectTarget) {
    this.#ws = ws;
    this.#outbox = new Outbox((frame) => ws.send(frame));
    this.dataAccess = { tls: target.tls, ca: target.ca };
  }

  /**
   * Connects, presenting the secret, and completes the version handshake.
   *
   * @param target The server, TLS and the secret.
   * @returns The connection.
   * @throws {Error} When the server cannot be reached or refuses the credentials.
   */
  static async open(target: ConnectTarget): Promise<Connection> {
    const { address, tls } = target;
    const url = `${tls ? "wss" : "ws"}://${address}/ws/client`;
    const ws = runtime.connectWebSocket(url, {
      headers: authHeaders(target.token),
      ca: target.ca,
    });
    const conn = new Connection(ws, target);
    const welcome = Promise.withResolvers<void>();
    welcome.promise.catch(() => {}); // rejected by onClose even when the connect itself failed
    ws.onMessage = (data) => conn.#onFrame(data, welcome);
    ws.onClose = (reason) => {
      welcome.reject(
        new Error(`Cannot connect to Rain server at ${address}: ${explain(reason, target)}`),
      );
      conn.#shutdown(`Connection to Rain server at ${address} closed: ${reason}`);
    };
    try {
      await ws.opened;
    } catch (e) {
      throw new Error(
        `Cannot connect to Rain server at ${address}: ${causeOf((e as Error).message, url)}`,
      );
    }
    conn.#outbox.push({ type: "hello", version: PROTOCOL_VERSION });
    await welcome.promise;
    return conn;
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /**
   * Sends a request and resolves with the server's reply, checked.
   *
   * @param message The request.
   * @param later Whether the request may wait for the next frame (by the next
   *   turn of the event loop at the latest): for a reply nobody waits for.
   * @returns The reply's value.
   */
  request<M extends Request>(message: M, later = false): Promise<Reply<M["type"]>> {
    if (this.#closed !== null) return Promise.reject(new Error(this.#closed));
    const rid = this.#nextRid++;
    const { promise, resolve, reject } = Promise.withResolvers<Reply<M["type"]>>();
    const type: RequestType = message.type;
    this.#pending.set(rid, {
      type,
      reply: replies[type],
      // The value reaching it passed `replies[type]`: it is a Reply<M["type"]>.
      resolve: resolve as (value: unknown) => void,
      reject,
    });
    const m = { ...message, rid } as ClientMessage;
    if (later) this.#outbox.pushLater(m);
    else this.#outbox.push(m);
    return promise;
  }

  /**
   * Calls `listener` when the server says a session failed (it says so
   * before any reply that reports the failure).
   *
   * @param session The session id.
   * @param listener Receives the session's error; `null` stops listening.
   */
  onSessionFailed(session: number, listener: ((message: string) => void) | null): void {
    if (listener) this.#onSessionFailed.set(session, listener);
    else this.#onSessionFailed.delete(session);
  }

  /** Closes the connection; pending requests are rejected. */
  close(): void {
    this.#outbox.flush();
    this.#shutdown("Client was closed");
    this.#ws.close();
  }

  #shutdown(reason: string): void {
    if (this.#closed !== null) return;
    this.#closed = reason;
    for (const p of this.#pending.values()) p.reject(new Error(reason));
    this.#pending.clear();
  }

  #protocolError(e: unknown): void {
    this.#shutdown(`Protocol error from server: ${(e as Error).message}`);
    this.#ws.close();
  }

  #onFrame(data: Uint8Array, welcome: PromiseWithResolvers<void>): void {
    let messages;
    try {
      messages = decodeFrame(data).map(validateServerToClient);
    } catch (e) {
      return this.#protocolError(e);
    }
    for (const m of messages) {
      if (m.type === "welcome") {
        if (m.dataToken !== undefined) this.dataAccess.token = m.dataToken;
        welcome.resolve();
        continue;
      }
      if (m.type === "error" && m.rid === 0) {
        // A connection-level error (protocol): everything pending fails.
        welcome.reject(new Error(m.message));
        this.#shutdown(m.message);
        continue;
      }
      if (m.type === "sessionFailed") {
        this.#onSessionFailed.get(m.session)?.(m.message);
        continue;
      }
      const p = this.#pending.get(m.rid);
      if (!p) continue;
      this.#pending.delete(m.rid);
      if (m.type === "reply") {
        let value;
        try {
          value = validate(p.reply, m.value, `${p.type} reply`);
        } catch (e) {
          p.reject(e as Error);
          return this.#protocolError(e);
        }
        p.resolve(value);
      } else {
        p.reject(
          m.code === "SESSION_FAILED"
            ? new SessionFailedError(m.message)
            : new RainError(m.message, m.code),
        );
      }
    }
  }
}

/** The cause in a runtime's "Cannot connect to URL: cause" error. */
function causeOf(message: string, url: string): string {
  const prefix = `Cannot connect to ${url}`;
  if (!message.startsWith(prefix)) return message;
  return message.slice(prefix.length).replace(/^: /, "") || "connection refused";
}

/** Explains a close at connect time; a refused credential says where the secret came from. */
function explain(reason: string, target: ConnectTarget): string {
  if (!reason.startsWith("Unauthorized")) return reason;
  if (target.token === undefined) {
    return `${reason}. No token was found: pass { token } to Client.connect(), set RAIN_TOKEN, ` +
      "or run the client as the user who started the server, on its machine (the server writes " +
      "its token to a file only that user can read)";
  }
  return `${reason} (the token came from ${target.tokenSource ?? "the token option"})`;
}
