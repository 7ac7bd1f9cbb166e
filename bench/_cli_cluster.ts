/**
 * Clusters started with the command line, as a user starts them:
 * `rain start --simple`, or `rain server` plus one `rain governor` process
 * per governor. Every part is its own OS process of `deno run -A
 * cli/main.ts`, so the benchmark's client never shares a process with them.
 *
 * @module
 */
import { Client } from "../mod.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
/** How long a part may take to start, and to stop before it is killed. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** What to start. */
export type ClusterShape =
  /** `rain start --simple --cpus N`: server and one governor in one process. */
  | { simple: number }
  /** `rain server` and one `rain governor --cpus N` process per entry. */
  | { governors: number[] };

/** A running cluster of CLI processes. */
export interface CliCluster extends AsyncDisposable {
  /** The server's `host:port`. */
  address: string;
  /** The pid of the process that runs the server. */
  serverPid: number;
  /** Stops every process (SIGTERM, then SIGKILL after a timeout). */
  close(): Promise<void>;
}

/**
 * Describes a shape for the report, as the commands a user would type.
 *
 * @param shape The shape.
 * @returns E.g. `rain server + 4 × rain governor --cpus 1`.
 */
export function describeShape(shape: ClusterShape): string {
  if ("simple" in shape) return `rain start --simple --cpus ${shape.simple}`;
  const cpus = [...new Set(shape.governors)];
  return cpus.length === 1
    ? `rain server + ${shape.governors.length} × rain governor --cpus ${cpus[0]}`
    : `rain server + rain governor --cpus ${shape.governors.join("/")}`;
}

/**
 * Starts a cluster and waits until every governor has registered.
 *
 * @param shape What to start.
 * @param env Environment variables added to every process's (e.g.
 *   `RAIN_VERIFY=0`).
 * @returns The cluster, for `await using`.
 */
export async function startCliCluster(
  shape: ClusterShape,
  env: Record<string, string> = {},
): Promise<CliCluster> {
  const children: Deno.ChildProcess[] = [];
  const close = async () => {
    // Governors first, so none of them logs the server going away.
    for (const c of children.slice().reverse()) await stop(c);
  };
  try {
    const server: Part = "simple" in shape
      ? spawnCli(["start", "--simple", "--cpus", `${shape.simple}`, "--listen", "127.0.0.1:0"], env)
      : spawnCli(["server", "--listen", "127.0.0.1:0"], env);
    children.push(server.child);
    const address = (await server.waitFor(/listening on (\S+)/))[1]!;
    const governors = "simple" in shape ? [shape.simple] : shape.governors;
    if ("governors" in shape) {
      for (const n of shape.governors) {
        children.push(spawnCli(["governor", address, "--cpus", `${n}`], env).child);
      }
    }
    await untilGovernors(address, governors.length);
    return { address, serverPid: server.child.pid, close, [Symbol.asyncDispose]: close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** One CLI process; its output is read to the end, so a full pipe never blocks it. */
interface Part {
  child: Deno.ChildProcess;
  /** Resolves with the first match of `pattern` in its stdout; rejects when it exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

function spawnCli(args: string[], env: Record<string, string>): Part {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  let changed = () => {};
  const read = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    for await (const s of stream.pipeThrough(new TextDecoderStream())) {
      add(s);
      changed();
    }
  };
  const ended = Promise.all([
    read(child.stdout, (s) => stdout = (stdout + s).slice(-65536)),
    read(child.stderr, (s) => stderr = (stderr + s).slice(-4096)),
  ]).catch(() => {});
  const waitFor = async (pattern: RegExp) => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let match: RegExpExecArray | null;
    let over = false;
    ended.then(() => over = true);
    while (!(match = pattern.exec(stdout))) {
      if (over) throw new Error(`\`rain ${args.join(" ")}\` exited: ${stdout}${stderr}`);
      if (Date.now() > deadline) {
        throw new Error(`\`rain ${args.join(" ")}\` did not print ${pattern} in time`);
      }
      await Promise.race([new Promise<void>((r) => changed = r), ended, sleep(100)]);
    }
    return match;
  };
  return { child, waitFor };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilGovernors(address: string, count: number): Promise<void> {
  const client = await Client.connect(address);
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while ((await client.serverInfo()).governors.length < count) {
      if (Date.now() > deadline) throw new Error(`${count} governors did not register in time`);
      await sleep(20);
    }
  } finally {
    await client.close();
  }
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    return; // Already exited.
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }, STOP_TIMEOUT_MS);
  await child.status;
  clearTimeout(timer);
}
