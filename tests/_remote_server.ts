/**
 * A {@linkcode RainServer} for a server that runs in another process (a
 * Node or Bun `rain server`, or workerd), for the test harnesses: its
 * address, secret and token file, and a close; its in-memory state cannot be
 * read from here.
 *
 * @module
 */
import type { RainServer } from "../server/mod.ts";

/** What a harness knows of a server in another process. */
export interface RemoteServerOptions {
  /** Where it runs, for the errors: "workerd", "a separate node process". */
  where: string;
  /** Its `host:port`. */
  address: string;
  /** Its secret. */
  token: string;
  /** Its token file. */
  tokenFile: string;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * The server as a {@linkcode RainServer} whose `coordinator` and
 * `monitoring` throw, saying where it runs.
 *
 * @param options The server.
 * @returns The stand-in.
 */
export function remoteServer(options: RemoteServerOptions): RainServer {
  const [hostname, port] = options.address.split(":") as [string, string];
  const unreadable = (what: string): never => {
    throw new Error(
      `The server runs in ${options.where}: its ${what} cannot be read ` +
        "(a test that reads it is declared with inProcessTest of tests/_cluster.ts)",
    );
  };
  return {
    hostname,
    port: Number(port),
    tls: false,
    token: options.token,
    tokenFile: options.tokenFile,
    get coordinator(): never {
      return unreadable("coordinator");
    },
    get monitoring(): never {
      return unreadable("monitoring");
    },
    connectGovernor: () => unreadable("in-process governor link"),
    logFile: null,
    close: options.close,
  };
}
