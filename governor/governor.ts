/**
 * The governor: connects to the server, runs the tasks it is given, stores
 * objects and serves their data.
 *
 * @module
 */
import { mkdtemp } from "node:fs/promises";
import { removeTree } from "./fs_util.ts";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { listenError } from "../common/address.ts";
import { decodeFrame } from "../protocol/codec.ts";
import {
  GOVERNOR_PROTOCOL_VERSION,
  type GovernorMessage,
  type ServerToGovernorMessage,
  unpackTask,
  validateServerToGovernor,
} from "../protocol/governor.ts";
import { Outbox } from "../protocol/outbox.ts";
import { runtime } from "../runtime/mod.ts";
import { builtins } from "./builtins/mod.ts";
import { configureExecutors } from "./builtins/remote.ts";
import { addDataRoutes } from "./data_server.ts";
import { fetchObject } from "./transfer.ts";
import type { DataAccess } from "../protocol/data_plane.ts";
import { type GovernorTls, resolveServerLink } from "./server_link.ts";
import { FsRoots } from "./fs_roots.ts";
import { TaskRunner } from "./runner.ts";
import { ObjectStore, type StoredObject } from "./store.ts";

/** Options of {@linkcode startGovernor}. */
export interface GovernorOptions {
  /** The server's `host:port` (`wss://host:port` for TLS). */
  server: string;
  /**
   * The server's secret. @default {`RAIN_TOKEN`, else the token file the
   * server wrote for this user on this machine}
   */
  token?: string;
  /**
   * TLS: the data server's certificate and key (needed when the server uses
   * TLS) and the CA trusted for the server and other governors; giving it
   * means TLS.
   */
  tls?: GovernorTls;
  /** Cpus to announce. @default {the machine's cpus} */
  cpus?: number;
  /** Work directory; a fresh temporary one when not given. */
  workDir?: string;
  /**
   * Directories that `load`, `loadDir` and `store` tasks may act in
   * (symlinks resolved); anywhere the governor's user may when not given.
   */
  fsRoots?: string[];
  /** Address to serve object data on. @default {"127.0.0.1"} */
  hostname?: string;
  /** Port to serve object data on. @default {0} */
  port?: number;
  /** Log sink. @default {() => {}} */
  log?: (message: string) => void;
  /** Interval of heartbeats to the server (ms). @default {1000} */
  heartbeatMs?: number;
  /**
   * Heap limit of each executor process (remote functions) in MB; a task
   * exceeding it fails alone. @default {V8's default}
   */
  executorMemoryMb?: number;
}

/** A running governor. */
export interface Governor {
  /** The governor's id, `host:port` of its data server. */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Its work directory. */
  workDir: string;
  /** Resolves with a reason when the server connection ends. */
  closed: Promise<string>;
  /** Stops the governor and removes its work directory. */
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
 */
export async function startGovernor(options: GovernorOptions): Promise<Governor> {
  const cpus = options.cpus ?? availableParallelism();
  if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`Invalid cpus: ${cpus}`);
  const memoryMb = options.executorMemoryMb;
  if (memoryMb !== undefined && (!Number.isInteger(memoryMb) || memoryMb < 1)) {
    throw new RangeError(`Invalid executorMemoryMb: ${memoryMb}`);
  }
  const link = await resolveServerLink(options.server, options.token, options.tls);
  const fsRoots = options.fsRoots ? await FsRoots.of(options.fsRoots) : FsRoots.ANYWHERE;
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? await mkdtemp(join(tmpdir(), "rain-governor-"));
  const store = new ObjectStore(workDir);
  await store.init();
  configureExecutors(store, { memoryMb });
  const log = options.log ?? (() => {});
  // Data access: the secret arrives with `registered`; until then everything is refused.
  const access: DataAccess = { tls: link.tls, ca: link.ca };
  let dataSecret: string | null | undefined;
  const bind = { hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 0 };
  const http = await runtime.serve({
    ...bind,
    tls: link.serve,
    build: (app) => addDataRoutes(app, store, () => dataSecret, log),
  }).catch((e) => {
    throw listenError(e, bind.hostname, bind.port);
  });
  const address = `${http.hostname}:${http.port}`;
  const ws = runtime.connectWebSocket(link.url, { headers: link.headers, ca: link.ca });
  const outbox = new Outbox<GovernorMessage>((frame) => ws.send(frame));
  const fetching = new Map<string, Promise<StoredObject>>();
  const runner = new TaskRunner({
    cpus,
    address,
    store,
    taskTypes: builtins,
    fsRoots,
    send: (m) => outbox.push(m),
    fetchRemote(id, source) {
      const key = id.join("/");
      let p = fetching.get(key);
      if (!p) {
        p = fetchObject(store, id, source, access).finally(() => fetching.delete(key));
        fetching.set(key, p);
      }
      return p;
    },
  });
  let closing = false;
  const { promise: closed, resolve: resolveClosed } = Promise.withResolvers<string>();
  const { promise: registered, resolve, reject } = Promise.withResolvers<void>();
  registered.catch(() => {}); // awaited below; also rejected when the connection never opened
  const handle = (m: ServerToGovernorMessage) => {
    switch (m.type) {
      case "registered":
        dataSecret = m.dataToken ?? null;
        access.token = m.dataToken;
        return resolve();
      case "refused":
        return reject(new Error(`Server refused governor: ${m.message}`));
      case "assign":
        return runner.assign(m.task);
      case "run": {
        const { task, inline } = unpackTask(m.task, "run.task");
        for (const { id, data, contentType } of inline) {
          store.put({
            id,
            dataType: "blob",
            data,
            path: null,
            info: { error: "", size: data.length, contentType, debug: "", user: {} },
          });
        }
        return runner.assign(task);
      }
      case "put":
        if (m.dataType === "dir") {
          return store.putPending(m.id, store.putTar(m.id, m.data, m.contentType ?? ""));
        }
        store.put({
          id: m.id,
          dataType: "blob",
          data: m.data,
          path: null,
          info: {
            error: "",
            size: m.data.length,
            contentType: m.contentType ?? "",
            debug: "",
            user: {},
          },
        });
        return;
      case "free":
        store.removeMany(m.session, m.ns);
        return;
      case "stopSession":
        runner.stopSession(m.session);
        store.removeSession(m.session);
        return;
    }
  };
  ws.onMessage = (data) => {
    try {
      for (const m of decodeFrame(data)) handle(validateServerToGovernor(m));
    } catch (e) {
      log(`Protocol error from server: ${(e as Error).message}`);
      ws.close();
    }
  };
  ws.onClose = (reason) => {
    clearInterval(heartbeat);
    const hint = link.tokenSource
      ? `the token came from ${link.tokenSource}`
      : "no token was found: pass --token-file or set RAIN_TOKEN";
    const why = reason.startsWith("Unauthorized") ? `${reason} (${hint})` : reason;
    reject(new Error(`Cannot register with server ${link.address}: ${why}`));
    if (!closing) log(`Lost connection to server ${link.address}: ${reason}`);
    resolveClosed(reason);
  };
  const heartbeat = setInterval(
    () => outbox.push({ type: "heartbeat" }),
    options.heartbeatMs ?? 1000,
  );
  const shutdown = async () => {
    closing = true;
    clearInterval(heartbeat);
    runner.stopAll();
    ws.close();
    await http.close();
    await store.clear();
    if (ownWorkDir) await removeTree(workDir);
  };
  try {
    await ws.opened;
    outbox.push({ type: "register", version: GOVERNOR_PROTOCOL_VERSION, address, cpus });
    await registered;
  } catch (e) {
    await shutdown();
    throw e;
  }
  return { id: address, cpus, workDir, closed, close: shutdown };
}
