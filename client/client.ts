/**
 * `Client`: a connection to a Rain server.
 *
 * @module
 */
import type { ContentSummary, GovernorSummary } from "../protocol/client.ts";
import { Connection } from "./connection.ts";
import { Session } from "./session.ts";
import { setDefaultSession } from "./session_stack.ts";

/** Options of {@linkcode Client.newSession}. */
export interface NewSessionOptions {
  /** Name shown in the dashboard. @default {""} */
  name?: string;
  /** Make it the fallback session instead of pushing it on the stack. @default {false} */
  default?: boolean;
}

/** What `serverInfo()` reports. */
export interface ServerInfo {
  /** The connected governors. */
  governors: GovernorSummary[];
  /**
   * Uploaded constant data (README, "Large constants"): what the governors
   * hold, how many uploads arrived, and how many constants found their data
   * there already (`hits`), sparing `bytesNotSent`.
   */
  contents: ContentSummary;
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
   * Connects to a server.
   *
   * @example Connect to a local server
   * ```ts ignore
   * const client = await Client.connect("localhost", 7210);
   * ```
   *
   * @param host `"host"` (with `port`) or `"host:port"`.
   * @param port The server's port. @default {7210}
   * @returns The connected client.
   */
  static async connect(host: string, port?: number): Promise<Client> {
    let address = host;
    if (port !== undefined) address = `${host}:${port}`;
    else if (!/:\d+$/.test(host)) address = `${host}:7210`;
    return new Client(await Connection.open(address), address);
  }

  /**
   * Creates a session and makes it active (or the default one).
   *
   * @param options Name and default flag.
   * @returns The session.
   */
  newSession(options: NewSessionOptions = {}): Session {
    const s = new Session(this.#conn, options.name ?? "");
    if (options.default) setDefaultSession(s);
    else s._activate();
    return s;
  }

  /**
   * Lists the governors with their cpus, tasks and objects.
   *
   * @returns The server's state summary.
   */
  serverInfo(): Promise<ServerInfo> {
    return this.#conn.request<ServerInfo>({ type: "serverInfo" });
  }

  /** Closes the connection; the server closes this client's sessions. */
  close(): Promise<void> {
    this.#conn.close();
    return Promise.resolve();
  }
}
