/**
 * Test harness with governors as separate OS processes (`cli/main.ts
 * governor`), so a test can kill one; the server runs in the test, or in
 * workerd as the edge worker (`tests/_workerd.ts`), and the client in the test.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "../mod.ts";
import { type RainServer, startServer } from "../server/mod.ts";
import { until } from "./_util.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;

/** One governor process. */
export interface GovernorProcess {
  /** Its id, `host:port`. */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Its work directory. */
  workDir: string;
  /** The OS process. */
  child: Deno.ChildProcess;
}

/** Where the server of a process cluster runs: this process, or workerd. */
export type ServerHost = "deno" | "workerd";

/** A server with governor processes and a client. */
export interface ProcessCluster extends AsyncDisposable {
  /** The server. */
  server: RainServer;
  /** The server's `host:port`. */
  address: string;
  /** The server's secret (also in this user's token file for its address). */
  token: string;
  /** The governors, in the order of `governors` in the options. */
  governors: GovernorProcess[];
  /** A connected client. */
  client: Client;
}

/**
 * Starts a server, one governor process per entry of `cpus`, and a client;
 * resolves once every governor has registered.
 *
 * @param cpus Cpus of each governor.
 * @param heartbeatTimeoutMs The server's heartbeat timeout.
 * @param host Where the server runs.
 * @returns The cluster, for `await using`.
 */
export async function startProcessCluster(
  cpus: number[],
  heartbeatTimeoutMs = 5000,
  host: ServerHost = "deno",
): Promise<ProcessCluster> {
  // The governor processes find the secret in the token file, as users' do (the workerd
  // harness writes one too).
  const { server, address } = host === "deno"
    ? await inProcessServer(heartbeatTimeoutMs)
    : await (await import("./_workerd.ts")).startWorkerd({ heartbeatTimeoutMs });
  const governors: GovernorProcess[] = [];
  let client: Client | undefined;
  const close = async () => {
    await client?.close();
    for (const g of governors) await stopGovernor(g);
    await server.close();
  };
  try {
    for (const n of cpus) governors.push(await spawnGovernor(address, n));
    client = await Client.connect(address, { token: server.token! });
    const c = client;
    await until(
      async () => (await c.serverInfo()).governors.length === cpus.length,
      "every governor to register",
      20000,
    );
  } catch (e) {
    await close();
    throw e;
  }
  return {
    server,
    address,
    token: server.token!,
    governors,
    client,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Starts one more governor process for a running cluster; resolves once it
 * has registered.
 *
 * @param cluster The cluster.
 * @param cpus Its cpus.
 * @returns The governor, for `await using` (stopped and removed at disposal).
 */
startProcessCluster.joinGovernor = async (
  cluster: ProcessCluster,
  cpus: number,
): Promise<GovernorProcess & AsyncDisposable> => {
  const g = await spawnGovernor(cluster.address, cpus);
  await until(
    async () => (await cluster.client.serverInfo()).governors.some((x) => x.id === g.id),
    "the governor to register",
    20000,
  );
  return { ...g, [Symbol.asyncDispose]: () => stopGovernor(g) };
};

async function inProcessServer(
  heartbeatTimeoutMs: number,
): Promise<{ server: RainServer; address: string }> {
  const server = await startServer({ port: 0, heartbeatTimeoutMs, tokenFile: true });
  return { server, address: `127.0.0.1:${server.port}` };
}

async function spawnGovernor(address: string, cpus: number): Promise<GovernorProcess> {
  const workDir = await mkdtemp(join(tmpdir(), "rain-test-gov-"));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "governor", address, "--cpus", `${cpus}`, "--work-dir", workDir],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const id = await governorId(child.stdout);
  return { id, cpus, workDir, child };
}

async function stopGovernor(g: GovernorProcess): Promise<void> {
  try {
    g.child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await g.child.status;
  await rm(g.workDir, { recursive: true, force: true });
}

/** Reads a governor's stdout until it prints its id; the rest is drained. */
async function governorId(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const lines = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`Governor exited before joining; it printed: ${text}`);
    text += value;
    const m = /Governor (\S+:\d+) with/.exec(text);
    if (m) {
      (async () => {
        while (!(await lines.read()).done);
      })();
      return m[1]!;
    }
  }
}
