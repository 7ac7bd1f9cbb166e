/**
 * `Client`: a connection to a Rain server.
 *
 * @module
 */
import type { ContentSummary, GovernorSummary, ServerInfo } from "../protocol/client_replies.ts";
import { findToken } from "../common/token_file.ts";
import { parseServerAddress } from "../common/server_address.ts";
import { checkToken } from "../common/auth.ts";
import { Connection } from "./connection.ts";
// Loaded for its side effect too: it provides `sessionInternal`, used to open sessions.
import "./session.ts";
import type { Session } from "./session.ts";
import { setDefaultSession } from "./session_stack.ts";
import { sessionInternal } from "./_session_internal.ts";

/** Options of {@linkcode Client.newSession}. */
export interface NewSessionOptions {
  /** Name shown in the dashboard. @default {""} */
  name?: string | undefined;
  /** Make it the fallback session instead of pushing it on the stack. @default {false} */
  default?: boolean | undefined;
}

export type { ContentSummary, GovernorSummary, ServerInfo };

/** Options of {@linkcode Client.connect}: credentials and TLS. */
export interface ConnectOptions {
  /**
   * The server's secret. @default {`RAIN_TOKEN`, else the token file the
   * server wrote for this user on this machine}
   */
  token?: string | undefined;
  /**
   * Connect over TLS (`wss://`), trusting `ca` (PEM certificates) instead of
   * the system's CAs; a `wss://` or `https://` address does the same.
   */
  tls?: { ca?: string | undefined } | undefined;
}

/** A connection to a Rain server. */
export class Client {
  readonly #conn: Connection;
  /** The server's `host:port`. */
  readonly address: string;

  private constructor(conn: Connection, address: string) {
    this.#conn = conn;
    this.address = address;
  }

  /**
   * Connects to a server. A client run by the user who started the server,
   * on its machine, needs no credentials: it reads the token file the server
   * wrote; otherwise pass `token` or set `RAIN_TOKEN`.
   *
   * @example Connect to a local server
   * ```ts ignore
   * const client = await Client.connect("localhost", 7210);
   * ```
   *
   * @example Connect over TLS with a token
   * ```ts ignore
   * const client = await Client.connect("rain.example.org", 7210, {
   *   token: Deno.env.get("MY_RAIN_TOKEN"),
   *   tls: { ca: await Deno.readTextFile("ca.pem") },
   * });
   * ```
   *
   * @param host `"host"` (with `port`), `"host:port"`, or with a scheme
   *   (`"wss://host:port"` for TLS).
   * @param port The server's port (@default {7210}), or the options.
   * @param options The secret and TLS.
   * @returns The connected client.
   * @throws {Error} When the server cannot be reached or refuses the credentials.
   */
  static async connect(
    host: string,
    port?: number | ConnectOptions,
    options: ConnectOptions = {},
  ): Promise<Client> {
    if (typeof port === "object") [port, options] = [undefined, port];
    const target = parseServerAddress(host, port);
    let token = options.token === undefined
      ? undefined
      : checkToken(options.token, "the token option");
    let tokenSource: string | undefined;
    if (token === undefined) {
      ({ token, source: tokenSource } = await findToken(target.host, target.port) ?? {});
    }
    const conn = await Connection.open({
      address: target.address,
      tls: target.tls ?? options.tls !== undefined,
      ca: options.tls?.ca,
      token,
      tokenSource,
    });
    return new Client(conn, target.address);
  }

  /**
   * Creates a session and makes it active (or the default one).
   *
   * @param options Name and default flag.
   * @returns The session.
   */
  newSession(options: NewSessionOptions = {}): Session {
    const s = sessionInternal.open(this.#conn, options.name ?? "");
    if (options.default) setDefaultSession(s);
    else sessionInternal.activate(s);
    return s;
  }

  /**
   * Lists the governors with their cpus, tasks and objects.
   *
   * @returns The server's state summary.
   */
  serverInfo(): Promise<ServerInfo> {
    return this.#conn.request({ type: "serverInfo" });
  }

  /** Closes the connection; the server closes this client's sessions. */
  close(): Promise<void> {
    this.#conn.close();
    return Promise.resolve();
  }
}
