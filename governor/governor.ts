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
import { TaskRunner } from "./runner.ts";
import { ObjectStore, type StoredObject } from "./store.ts";
import { ContentStore } from "./contents.ts";
import type { DataType } from "../common/attributes.ts";

/** Options of {@linkcode startGovernor}. */
export interface GovernorOptions {
  /** The server's `host:port`. */
  server: string;
  /** Cpus to announce. @default {the machine's cpus} */
  cpus?: number;
  /** Work directory; a fresh temporary one when not given. */
  workDir?: string;
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
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? await mkdtemp(join(tmpdir(), "rain-governor-"));
  const store = new ObjectStore(workDir);
  await store.init();
  const contents = new ContentStore(workDir);
  await contents.init();
  configureExecutors(store, { memoryMb });
  const log = options.log ?? (() => {});
  const bind = { hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 0 };
  const uploads = {
    contents,
    onContent: (hash: string, dataType: DataType, size: number) =>
      outbox.push({ type: "contentHeld", hash, dataType, size }),
  };
  const http = await runtime.serve({ ...bind, build: (app) => addDataRoutes(app, store, uploads) })
    .catch((e) => {
      throw listenError(e, bind.hostname, bind.port);
    });
  const address = `${http.hostname}:${http.port}`;
  const ws = runtime.connectWebSocket(`ws://${options.server}/ws/governor`);
  const outbox = new Outbox<GovernorMessage>((frame) => ws.send(frame));
  const fetching = new Map<string, Promise<StoredObject>>();
  const runner = new TaskRunner({
    cpus,
    address,
    store,
    taskTypes: builtins,
    send: (m) => outbox.push(m),
    fetchRemote(id, source) {
      const key = id.join("/");
      let p = fetching.get(key);
      if (!p) {
        p = fetchObject(store, id, source).finally(() => fetching.delete(key));
        fetching.set(key, p);
      }
      return p;
    },
  });
  let closing = false;
  const { promise: closed, resolve: resolveClosed } = Promise.withResolvers<string>();
  const { promise: registered, resolve, reject } = Promise.withResolvers<void>();
  const handle = (m: ServerToGovernorMessage) => {
    switch (m.type) {
      case "registered":
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
            // The hash is computed if it is ever needed (to serve or forward it).
            info: { error: "", size: data.length, contentType, hash: "", debug: "", user: {} },
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
            hash: m.hash ?? "",
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
      case "bind": {
        const { id, hash, dataType, size, contentType } = m;
        const info = { error: "", size, contentType, hash, debug: "", user: {} };
        const path = contents.pathFor(hash, dataType);
        store.put({ id, dataType, data: null, path, info, shared: true });
        return;
      }
      case "dropContent":
        contents.drop(m.hash, m.dataType).catch((e) => log(`Cannot drop ${m.hash}: ${e}`));
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
    reject(new Error(`Server connection closed: ${reason}`));
    if (!closing) log(`Lost connection to server ${options.server}: ${reason}`);
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
    await contents.clear();
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
