/**
 * The Rain server listening on a port of its own: the routes of `core.ts`
 * (behind its secret) served by the runtime, over TLS when asked, its token
 * file, and (on request) the event log file.
 *
 * @module
 */
import { DEFAULT_SERVER_PORT, listenError } from "../common/address.ts";
import { runtime } from "../runtime/mod.ts";
import type { ListeningServer, ServerTls, WsClient } from "../runtime/types.ts";
import type { Coordinator } from "./coordinator.ts";
import { type CoreOptions, createCore } from "./core.ts";
import { writeLogFile } from "./events/log_file.ts";
import { createMonitoring, type Monitoring } from "./monitoring.ts";
import { removeTokenFile, writeTokenFile } from "../common/token_file.ts";

/** Default port of the server, as in Rain. */
export { DEFAULT_SERVER_PORT };

/** Options of {@linkcode startServer}. */
export interface ServerOptions extends CoreOptions {
  /** Address to bind. @default {"127.0.0.1"} */
  hostname?: string | undefined;
  /** Port to bind; 0 picks a free one. @default {7210} */
  port?: number | undefined;
  /** Serve `https://` and `wss://` with this certificate and key (PEM). */
  tls?: ServerTls | undefined;
  /**
   * Write the secret to this user's token file for the bound address (as
   * `rain server` does), where clients and governors of the same user on
   * this machine find it; removed by `close()`. @default {false}
   */
  tokenFile?: boolean | undefined;
  /** Appends the event log to a new NDJSON file in this directory (made when missing). */
  logDir?: string | undefined;
}

/** A running server. */
export interface RainServer {
  /** The bound address. */
  hostname: string;
  /** The bound port. */
  port: number;
  /** Whether it serves TLS (`wss://`, `https://`). */
  tls: boolean;
  /**
   * The secret clients and governors present (`Client.connect(host, port,
   * { token })`), or `null` with authentication off.
   */
  token: string | null;
  /** The token file written (`tokenFile: true`), or `null`. */
  tokenFile: string | null;
  /**
   * The server state (the project's own tools read it: tests, dashboard).
   *
   * @ignore
   */
  coordinator: Coordinator;
  /** The event stream and what it feeds (the dashboard's monitor). */
  monitoring: Monitoring;
  /** The event log file being written (`--log-dir`), or `null`. */
  logFile: string | null;
  /**
   * Connects a governor of this process without a socket: pass it as
   * `startGovernor({ connect })` (what `rain start` does for its local governors).
   */
  connectGovernor(): WsClient;
  /** Stops the server (and removes its token file). */
  close(): Promise<void>;
}

/**
 * Starts a server. Authentication is on unless `noAuth` is set: pass
 * `server.token` to clients and governors.
 *
 * @example Start a server on a free port
 * ```ts ignore
 * const server = await startServer({ port: 0 });
 * const client = await Client.connect("127.0.0.1", server.port, { token: server.token! });
 * ```
 *
 * @param options Where to listen, the secret, TLS, limits, logging.
 * @returns The running server.
 */
export async function startServer(options: ServerOptions = {}): Promise<RainServer> {
  const monitoring = createMonitoring(options);
  const logFile = options.logDir
    ? await writeLogFile(
      monitoring.events,
      options.logDir,
      (e) => (options.log ?? console.error)(e.message),
    )
    : null;
  const core = createCore(options, monitoring);
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_SERVER_PORT;
  let listening: ListeningServer;
  try {
    listening = await runtime.serve({
      hostname,
      port,
      tls: options.tls,
      build: (app, ws) => core.build(app, ws),
    }).catch((e) => {
      throw listenError(e, hostname, port);
    });
  } catch (e) {
    core.close();
    await logFile?.close();
    throw e;
  }
  let tokenFile: string | null = null;
  const close = async () => {
    core.close();
    await listening.close();
    await logFile?.close();
    if (tokenFile !== null) await removeTokenFile(tokenFile);
  };
  if (options.tokenFile && core.token !== null) {
    try {
      tokenFile = await writeTokenFile(listening.hostname, listening.port, core.token);
    } catch (e) {
      await close();
      throw new Error(`Cannot write the token file: ${(e as Error).message}`);
    }
  }
  return {
    hostname: listening.hostname,
    port: listening.port,
    tls: options.tls !== undefined,
    token: core.token,
    tokenFile,
    coordinator: core.coordinator,
    monitoring,
    logFile: logFile?.path ?? null,
    connectGovernor: core.connectGovernor,
    close,
  };
}
