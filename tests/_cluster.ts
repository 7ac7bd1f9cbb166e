/**
 * Test harness: a real server and real governors on loopback ports chosen by
 * the OS, plus a connected client.
 *
 * By default the server and governors run in this (Deno) process. With
 * `RAIN_TEST_RUNTIME=node` or `bun` (as `scripts/test.sh` runs the
 * integration tests twice more, through `scripts/test-runtime.ts`) they are
 * separate Node or Bun processes of the npm bundle (`rain server`,
 * `rain governor`), and this process, with the client, is a `node --test` or
 * `bun test` one (`Deno.*` from `tests/_deno_shim.ts`). With
 * `RAIN_TEST_RUNTIME=workerd` the server is the edge worker served by workerd
 * (`tests/_workerd.ts`) and the governors and client run in this Deno process.
 * Tests that read the server's in-memory state
 * (`cluster.server.coordinator`) are declared with {@linkcode inProcessTest}
 * and ignored when the server is another process.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Governor, startGovernor } from "../governor/mod.ts";
import { type RainServer, startServer } from "../server/mod.ts";
import { Client } from "../mod.ts";
import { findToken } from "../common/token_file.ts";
import {
  type ProcessRuntime,
  startGovernorProcess,
  startServerProcess,
} from "./_runtime_process.ts";
import { remoteServer } from "./_remote_server.ts";

/** Where the cluster's server and governors run: a runtime, or the server in workerd. */
export type ClusterRuntime = "deno" | ProcessRuntime | "workerd";

/** Where the cluster's server and governors run (RAIN_TEST_RUNTIME). */
export const CLUSTER_RUNTIME: ClusterRuntime = (() => {
  const value = Deno.env.get("RAIN_TEST_RUNTIME") ?? "deno";
  if (value !== "deno" && value !== "node" && value !== "bun" && value !== "workerd") {
    throw new Error(`RAIN_TEST_RUNTIME must be deno, node, bun or workerd, got "${value}"`);
  }
  return value;
})();

/** Why a test cannot run when the cluster runs on a runtime, by runtime. */
export type Unsupported = Partial<Record<ClusterRuntime, string>>;

/**
 * `Deno.test` for a test that cannot run when the cluster runs on some
 * runtimes: ignored there, with the reason in its name.
 *
 * @param name The test's name.
 * @param unsupported The runtimes it cannot run on, with the reason.
 * @param fn The test.
 */
export function clusterTest(
  name: string,
  unsupported: Unsupported,
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  const reason = unsupported[CLUSTER_RUNTIME];
  Deno.test({ name: reason ? `${name} (ignored: ${reason})` : name, ignore: !!reason, fn });
}

const SERVER_STATE = "reads the state of a server in another process";

/**
 * A test that reads the server's in-memory state
 * (`cluster.server.coordinator`): ignored when the server is a Node, Bun or
 * workerd process.
 *
 * @param name The test's name.
 * @param fn The test.
 */
export function inProcessTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  clusterTest(name, { node: SERVER_STATE, bun: SERVER_STATE, workerd: SERVER_STATE }, fn);
}

/**
 * A test whose remote functions come from a TypeScript module
 * (`remote.fromModule` of a `.ts` file): ignored when the governors run on
 * Node, which (20) cannot import TypeScript.
 *
 * @param name The test's name.
 * @param fn The test.
 */
export function tsModuleTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  clusterTest(name, { node: "Node 20 cannot import TypeScript modules" }, fn);
}

/** A running test cluster. */
export interface Cluster {
  /**
   * The server; with RAIN_TEST_RUNTIME=node|bun, reading `coordinator`
   * throws (see {@linkcode inProcessTest}).
   */
  server: RainServer;
  /** The server's `host:port`. */
  address: string;
  /**
   * The server's secret. The server also wrote it to this user's token file
   * for its address, so `Client.connect(cluster.address)` needs no token.
   */
  token: string;
  /** The governors. */
  governors: Governor[];
  /** A connected client. */
  client: Client;
  /** Stops everything (idempotent). */
  close(): Promise<void>;
  /** For `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Cpus of each governor to start. @default {[2]} */
  governors?: number[];
  /** Heap limit of the governors' executors in MB. */
  executorMemoryMb?: number;
}

/** A governor as a separate process, with a work dir of its own. */
async function governorProcess(
  server: string,
  cpus: number,
  executorMemoryMb: number | undefined,
): Promise<Governor> {
  const workDir = await mkdtemp(join(tmpdir(), "rain-governor-"));
  try {
    const { process, id } = await startGovernorProcess({
      runtime: CLUSTER_RUNTIME as ProcessRuntime,
      server,
      cpus,
      workDir,
      executorMemoryMb,
    });
    return {
      id,
      cpus,
      workDir,
      closed: process.status.then((s) => `process exited with code ${s.code}`),
      async close() {
        await process.close();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(workDir, { recursive: true, force: true });
    throw e;
  }
}

async function startServerPart(): Promise<{ server: RainServer; address: string; token: string }> {
  if (CLUSTER_RUNTIME === "deno") {
    const server = await startServer({ port: 0, tokenFile: true });
    return { server, address: `127.0.0.1:${server.port}`, token: server.token! };
  }
  if (CLUSTER_RUNTIME === "workerd") {
    const { server, address } = await (await import("./_workerd.ts")).startWorkerd();
    return { server, address, token: server.token! };
  }
  // `rain server` wrote its token file, as users find it.
  const { process, address } = await startServerProcess({ runtime: CLUSTER_RUNTIME });
  try {
    const port = Number(address.split(":")[1]);
    const found = await findToken("127.0.0.1", port);
    if (!found) throw new Error(`rain server at ${address} wrote no token file`);
    const server = remoteServer({
      where: `a separate ${CLUSTER_RUNTIME} process`,
      address,
      token: found.token,
      tokenFile: found.source,
      close: () => process.close(),
    });
    return { server, address, token: found.token };
  } catch (e) {
    await process.close();
    throw e;
  }
}

/** Whether the governors run in this (Deno) process. */
const IN_PROCESS_GOVERNORS = CLUSTER_RUNTIME === "deno" || CLUSTER_RUNTIME === "workerd";

/**
 * Starts a server, governors and a client.
 *
 * @param options The governors to start.
 * @returns The cluster; close it when done.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const { server, address, token } = await startServerPart();
  const governors: Governor[] = [];
  let client: Client | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client?.close();
    for (const g of governors) await g.close();
    await server.close();
  };
  try {
    const { executorMemoryMb } = options;
    for (const cpus of options.governors ?? [2]) {
      governors.push(
        IN_PROCESS_GOVERNORS
          ? await startGovernor({ server: address, token, cpus, executorMemoryMb })
          : await governorProcess(address, cpus, executorMemoryMb),
      );
    }
    client = await Client.connect(address, { token });
  } catch (e) {
    await close();
    throw e;
  }
  return { server, address, token, governors, client, close, [Symbol.asyncDispose]: close };
}
