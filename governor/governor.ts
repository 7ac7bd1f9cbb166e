/**
 * The governor: connects to the server, runs the tasks it is given, stores
 * objects and serves their data; optionally waits for its server and rejoins
 * it after a restart.
 *
 * @module
 */
import { mkdtemp } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { formatAddress, type HostPort, listenError } from "../common/address.ts";
import type { DataAccess } from "../protocol/data_plane.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient } from "../runtime/types.ts";
import { localAddressTowards, planAddresses } from "./address.ts";
import { addDataRoutes } from "./data_server.ts";
import { removeTree } from "./fs_util.ts";
import { Membership } from "./membership.ts";
import { retry } from "./retry.ts";
import {
  openServerConnection,
  RegistrationRefusedError,
  type ServerConnection,
  UnauthorizedError,
} from "./server_connection.ts";
import { type GovernorTls, resolveServerLink } from "./server_link.ts";
import { FsRoots } from "./fs_roots.ts";

/** Options of {@linkcode startGovernor}. */
export interface GovernorOptions {
  /** The server's `host:port` (port 7210 when not given; `wss://host:port` for TLS). */
  server: string;
  /**
   * The server's secret. @default {`RAIN_TOKEN`, else the token file the
   * server wrote for this user on this machine (read again at each attempt)}
   */
  token?: string | undefined;
  /**
   * TLS: the data server's certificate and key (needed when the server uses
   * TLS) and the CA trusted for the server and other governors; giving it
   * means TLS.
   */
  tls?: GovernorTls | undefined;
  /**
   * Directories that `load`, `loadDir` and `store` tasks may act in
   * (symlinks resolved); anywhere the governor's user may when not given.
   */
  fsRoots?: string[] | undefined;
  /** Cpus to announce. @default {the machine's cpus} */
  cpus?: number | undefined;
  /** Work directory; a fresh temporary one when not given. */
  workDir?: string | undefined;
  /**
   * Address to serve object data on; a wildcard (`0.0.0.0`) means every
   * interface. @default {the local address of the governor's connection to the server}
   */
  hostname?: string | undefined;
  /** Port to serve object data on. @default {the advertised port, else 0 (a free one)} */
  port?: number | undefined;
  /**
   * The address (`HOST[:PORT]`) registered with the server, where clients
   * and other governors fetch this governor's objects: for NAT, a DNS name,
   * or another interface. The port defaults to the data server's.
   * @default {the data server's address; with a wildcard, the local address towards the server}
   */
  advertise?: string | undefined;
  /**
   * Wait for the server while it is unreachable (also at start) and rejoin
   * it after a restart, retrying with backoff; tasks and objects of the
   * sessions that died with the old server are dropped. Without it the
   * governor fails to start when the server is unreachable, and `closed`
   * resolves when the connection ends. @default {false}
   */
  reconnect?: boolean | undefined;
  /** Aborting it while the governor waits for its server makes `startGovernor` reject. */
  signal?: AbortSignal | undefined;
  /** Log sink. @default {() => {}} */
  log?: ((message: string) => void) | undefined;
  /** Interval of heartbeats to the server (ms). @default {1000} */
  heartbeatMs?: number | undefined;
  /**
   * Opens the connection to the server instead of a WebSocket: a governor in
   * the server's process passes `server.connectGovernor` (what `rain start`
   * does). `server` is still needed: it names the server in logs and picks
   * the local address the data server advertises.
   */
  connect?: (() => WsClient) | undefined;
  /**
   * Heap limit of each executor process (remote functions) in MB; a task
   * exceeding it fails alone. @default {V8's default}
   */
  executorMemoryMb?: number | undefined;
  /**
   * Executor processes (remote functions) started with the governor, so
   * that the first remote tasks do not wait for them to start (each takes a
   * fraction of a second of cpu and about 80 MB resident on Deno); until the first
   * tasks come, each runs synthetic tasks for V8 to optimise the hot paths.
   * More start when more remote tasks run at once. @default {0: none before
   * the first remote tasks}
   */
  executors?: number | undefined;
}

/** A running governor. */
export interface Governor {
  /** The governor's id, the `host:port` it registered (where its data server is reached). */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Its work directory. */
  workDir: string;
  /**
   * Resolves with a reason once the governor is no longer connected and will
   * not reconnect: when the connection ends (without `reconnect`), when
   * rejoining failed for good, or on `close()`.
   */
  closed: Promise<string>;
  /** Stops the governor and removes its work directory (a given one is emptied). */
  close(): Promise<void>;
}

/**
 * Starts a governor and registers it with the server.
 *
 * @example Join a server
 * ```ts ignore
 * const gov = await startGovernor({ server: "localhost:7210", cpus: 2 });
 * ```
 *
 * @param options Where the server is and what the governor offers.
 * @returns The running governor, registered.
 * @throws {Error} When the server cannot be reached (without `reconnect`), refuses the
 *   governor, or the data server cannot listen.
 */
export async function startGovernor(options: GovernorOptions): Promise<Governor> {
  const cpus = options.cpus ?? availableParallelism();
  if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`Invalid cpus: ${cpus}`);
  const memoryMb = options.executorMemoryMb;
  if (memoryMb !== undefined && (!Number.isInteger(memoryMb) || memoryMb < 1)) {
    throw new RangeError(`Invalid executorMemoryMb: ${memoryMb}`);
  }
  const executors = options.executors ?? 0;
  if (!Number.isInteger(executors) || executors < 0) {
    throw new RangeError(`Invalid executors: ${executors}`);
  }
  const link = resolveServerLink(options.server, options.token, options.tls);
  const server = link.server;
  const serverAddress = link.address;
  const fsRoots = options.fsRoots ? await FsRoots.of(options.fsRoots) : FsRoots.ANYWHERE;
  // Data access: the secret arrives with `registered`; until then the data server refuses all.
  const access: DataAccess = { tls: link.tls, ca: link.ca };
  let dataSecret: string | null | undefined;
  const log = options.log ?? (() => {});
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const keepTrying = <T>(attempt: () => Promise<T>, fatal = (_e: unknown) => false) =>
    options.reconnect ? retry(attempt, { signal, log, fatal }) : attempt();

  const local = await keepTrying(() => reach(server));
  const plan = planAddresses({
    listen: { hostname: options.hostname, port: options.port },
    advertise: options.advertise,
  }, local);
  let membership: Membership | undefined;
  const http = await runtime.serve({
    ...plan.bind,
    tls: link.serve,
    build: (app) =>
      addDataRoutes(app, () => membership?.store, () => membership?.uploads, () => dataSecret, log),
  }).catch((e) => {
    throw listenError(e, plan.bind.hostname, plan.bind.port);
  });
  const address = plan.advertised(http.port);
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? await mkdtemp(join(tmpdir(), "rain-governor-"));
  let joins = 0;
  const newMembership = () =>
    Membership.create({
      // A rejoined server reuses session ids: a fresh directory keeps late writes of the
      // old membership's tasks apart from the new one's objects.
      dir: joins === 0 ? workDir : join(workDir, `rejoin-${joins}`),
      ownDir: joins > 0,
      cpus,
      address,
      executorMemoryMb: memoryMb,
      executors,
      access,
      fsRoots,
    });
  const register = async (m: Membership): Promise<ServerConnection> => {
    const connection = openServerConnection({
      url: link.url,
      credentials: await link.credentials(),
      ca: link.ca,
      address,
      cpus,
      heartbeatMs: options.heartbeatMs ?? 1000,
      onMessage: (message) => m.handle(message),
      log,
      connect: options.connect,
    });
    m.attach(connection);
    try {
      const secret = await connection.registered;
      dataSecret = secret;
      access.token = secret ?? undefined;
    } catch (e) {
      connection.close();
      throw e;
    }
    return connection;
  };

  let connection: ServerConnection | undefined;
  const { promise: closed, resolve: resolveClosed } = Promise.withResolvers<string>();
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      stop.abort(new Error("The governor is stopping"));
      connection?.close();
      await membership?.drop();
      await http.close();
      if (ownWorkDir) await removeTree(workDir);
      resolveClosed("closed");
    })();

  try {
    membership = await newMembership();
    const m = membership;
    connection = await keepTrying(
      () => register(m),
      // A given secret that is refused stays refused; one from the token file may change.
      (e) =>
        e instanceof RegistrationRefusedError ||
        (e instanceof UnauthorizedError && e.credentials.fixed),
    );
  } catch (e) {
    await close();
    throw e;
  }

  /** Waits for the connection to end; then ends, or rejoins with a fresh membership. */
  const supervise = async (): Promise<void> => {
    while (true) {
      const reason = await connection!.closed;
      if (closing) return;
      if (!options.reconnect) {
        log(`Lost connection to server ${serverAddress}: ${reason}`);
        return resolveClosed(reason);
      }
      log(
        `Lost connection to server ${serverAddress}: ${reason}; dropping the tasks and objects ` +
          "of its sessions and rejoining",
      );
      const old = membership!;
      joins++;
      old.drop().catch((e) => log(`Cannot remove the old objects: ${(e as Error).message}`));
      try {
        const m = membership = await newMembership();
        // The server may still hold the old connection until its heartbeat timeout: a
        // refusal is retried too.
        connection = await keepTrying(async () => {
          await reach(server);
          return register(m);
        });
      } catch (e) {
        if (closing) return;
        log(`Cannot rejoin server ${serverAddress}: ${(e as Error).message}`);
        return resolveClosed((e as Error).message);
      }
      log(`Rejoined server ${serverAddress} as ${address}`);
    }
  };
  supervise();
  if (executors > 0) {
    const start = performance.now();
    void membership.resources.executors.warmedUp().then((tasks) => {
      if (closing) return;
      const s = ((performance.now() - start) / 1000).toFixed(2);
      log(
        `Started ${executors} executor process${executors > 1 ? "es" : ""} for remote ` +
          `functions; they ran ${tasks} synthetic tasks in ${s} s to warm up`,
      );
    });
  }
  return { id: address, cpus, workDir, closed, close };
}

/** The local address towards the server, or an error saying the server is unreachable. */
async function reach(server: HostPort): Promise<string> {
  try {
    return await localAddressTowards(server);
  } catch (e) {
    const err = e as Error & { code?: string | undefined };
    const address = formatAddress(server.hostname, server.port);
    throw new Error(`Cannot reach server "${address}": ${err.message}`, { cause: e });
  }
}
