/**
 * The Rain server in workerd, as the edge deploys it: the worker bundle
 * (`edge/build.ts`) served by the repository's `edge/workerd.capnp`, on a free
 * loopback port, with a fresh secret (`RAIN_TOKEN`) written to this user's
 * token file for that address, as `rain server` writes its own: the tests'
 * clients and governors find it there.
 *
 * @module
 */
import { rename } from "node:fs/promises";
import { buildWorker, WORKER_BUNDLE } from "../edge/build.ts";
import type { RainServer } from "../server/mod.ts";
import { newToken } from "../common/auth.ts";
import { removeTokenFile, writeTokenFile } from "../common/token_file.ts";
import { type ReadyProcess, ROOT, startReady } from "./_runtime_process.ts";
import { remoteServer } from "./_remote_server.ts";

/** The workerd binary of the npm `workerd` package. */
export const WORKERD: string = `${ROOT}node_modules/.bin/workerd`;

let built: Promise<void> | undefined;

/**
 * Builds the worker bundle once per test module. It is written beside and
 * renamed into place, so modules building at the same time never serve a
 * half-written file.
 *
 * @returns Resolves once `edge/dist/worker.js` is fresh.
 */
export function buildWorkerOnce(): Promise<void> {
  return built ??= (async () => {
    // Unique per build: `deno test --parallel` runs test modules side by side in one process.
    const tmp = `${WORKER_BUNDLE}.${crypto.randomUUID()}.tmp`;
    await buildWorker(tmp);
    await rename(tmp, WORKER_BUNDLE);
  })();
}

/** Options of {@linkcode startWorkerd}. */
export interface WorkerdOptions {
  /**
   * The server's heartbeat timeout (ms; read by `edge/workerd.capnp` from the
   * environment). @default {5000}
   */
  heartbeatTimeoutMs?: number;
  /**
   * The configuration, relative to the repository: the local one, or the
   * deploy one (`edge/wrangler.jsonc`), which workerd serves too.
   * @default {"edge/workerd.capnp"}
   */
  config?: string;
  /** The loopback port to serve on; 0 picks a free one. @default {0} */
  port?: number;
  /** The server's secret. @default {a new one} */
  token?: string;
}

/** A server in workerd, shaped like a {@linkcode RainServer} for the test harnesses. */
export interface WorkerdServer {
  /** The server, without a readable coordinator (it lives in workerd). */
  server: RainServer;
  /** The server's `host:port`. */
  address: string;
  /** The workerd process. */
  process: ReadyProcess;
}

/**
 * Builds the worker (once) and serves it with `workerd serve
 * edge/workerd.capnp` (or another config) on a loopback port.
 *
 * @param options The server's settings.
 * @returns The server. Closing it kills workerd: on SIGTERM it lingers ~1.4 s
 *   once a Durable Object has run, and it keeps nothing worth a graceful stop.
 */
export async function startWorkerd(options: WorkerdOptions = {}): Promise<WorkerdServer> {
  await buildWorkerOnce();
  const token = options.token ?? newToken();
  const process = await startReady({
    cmd: WORKERD,
    args: [
      "serve",
      `${ROOT}${options.config ?? "edge/workerd.capnp"}`,
      "--socket-addr",
      `http=127.0.0.1:${options.port ?? 0}`,
      // workerd reports the port it bound on this descriptor: stdout.
      "--control-fd",
      "1",
    ],
    ready: /"event":"listen","socket":"http","port":(\d+)/,
    env: {
      RAIN_HEARTBEAT_TIMEOUT_MS: String(options.heartbeatTimeoutMs ?? 5000),
      RAIN_TOKEN: token,
    },
  });
  const port = Number(process.ready[1]);
  const tokenFile = await writeTokenFile("127.0.0.1", port, token);
  const address = `127.0.0.1:${port}`;
  const server = remoteServer({
    where: "workerd",
    address,
    token,
    tokenFile,
    async close() {
      await process.close("SIGKILL");
      await removeTokenFile(tokenFile);
    },
  });
  return { server, address, process };
}
