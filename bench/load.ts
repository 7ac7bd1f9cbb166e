/**
 * Load test: many concurrent clients, each on its own connection, spread
 * over several client processes, each submitting small tasks and fetching
 * and checking every result, against a `rain server` process with
 * `rain governor` processes. Prints the total time and tasks/s; fails when a
 * result is wrong or missing. `tests/load_test.ts` runs it smaller in CI.
 *
 * Run: `deno run -A bench/load.ts [--clients 100] [--processes 4] [--tasks 1000] [--governors 2]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Client } from "../mod.ts";
import { runtime } from "../runtime/mod.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const CLIENT = new URL("./load_client.ts", import.meta.url).pathname;

/** Size of a load run. */
export interface LoadOptions {
  /** Concurrent clients in all. */
  clients: number;
  /** Client processes the clients are spread over. */
  processes: number;
  /** Tasks per client. */
  tasks: number;
  /** Governor processes (1 cpu each). */
  governors: number;
}

/** What a load run measured. */
export interface LoadResult {
  /** Tasks submitted. */
  tasks: number;
  /** Results fetched and found right. */
  right: number;
  /** Wall time from starting the client processes to the last result, seconds. */
  seconds: number;
  /**
   * Seconds the clients took, from connecting to their last result (the
   * longest of the client processes; without starting the runtimes).
   */
  clientSeconds: number;
  /** Tasks per second over `clientSeconds`. */
  tasksPerSecond: number;
}

/** A child process whose stdout is read line by line. */
function spawn(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "", err = "";
  const read = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    for await (const t of s.pipeThrough(new TextDecoderStream())) add(t);
  };
  const ended = Promise.all([
    read(child.stdout, (t) => out += t),
    read(child.stderr, (t) => err += t),
  ]);
  return {
    child,
    ended,
    out: () => out,
    err: () => err.slice(-4000),
    async waitFor(re: RegExp, what: string): Promise<RegExpMatchArray> {
      for (let i = 0; i < 600; i++) {
        const m = out.match(re);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${what} not ready after 30 s:\n${out}\n${err}`);
    },
    async stop(): Promise<void> {
      try {
        child.kill("SIGTERM");
      } catch { /* exited */ }
      await child.status;
      await ended;
    },
  };
}

/**
 * Runs a load test.
 *
 * @param o Its size.
 * @returns What it measured.
 * @throws {Error} When a result is wrong or missing, or a process fails.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const server = spawn([CLI, "server", "--listen", "127.0.0.1:0"]);
  const governors: ReturnType<typeof spawn>[] = [];
  try {
    const address = (await server.waitFor(/listening on (\S+:\d+) /, "rain server"))[1]!;
    for (let i = 0; i < o.governors; i++) {
      governors.push(spawn([CLI, "governor", address, "--cpus", "1"]));
    }
    for (const g of governors) await g.waitFor(/joined/, "rain governor");
    const per = Math.ceil(o.clients / o.processes);
    const start = performance.now();
    const runs = [];
    for (let p = 0, first = 0; first < o.clients; p++, first += per) {
      const n = Math.min(per, o.clients - first);
      const c = spawn([CLIENT, address, `${n}`, `${o.tasks}`, `${first}`]);
      runs.push(c.child.status.then(async (status) => {
        await c.ended;
        if (!status.success) throw new Error(`client process ${p} failed:\n${c.err()}`);
        return JSON.parse(c.out().trim().split("\n").at(-1)!) as {
          tasks: number;
          checked: number;
          wrong: string[];
          ms: number;
        };
      }));
    }
    const results = await Promise.all(runs);
    const seconds = (performance.now() - start) / 1000;
    const tasks = results.reduce((n, r) => n + r.tasks, 0);
    const wrong = results.flatMap((r) => r.wrong);
    const checked = results.reduce((n, r) => n + r.checked, 0);
    if (wrong.length > 0) throw new Error(`Wrong results:\n${wrong.join("\n")}`);
    if (checked !== o.clients * o.tasks) {
      throw new Error(`${checked} results came back, ${o.clients * o.tasks} were submitted`);
    }
    // The server serves on after the load: a fresh client still gets in.
    const after = await Client.connect(address);
    await after.serverInfo();
    await after.close();
    const clientSeconds = Math.max(...results.map((r) => r.ms)) / 1000;
    return {
      tasks,
      right: checked - wrong.length,
      seconds,
      clientSeconds,
      tasksPerSecond: tasks / clientSeconds,
    };
  } finally {
    for (const g of governors) await g.stop();
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: runtime.args(),
    options: {
      clients: { type: "string", default: "100" },
      processes: { type: "string", default: "4" },
      tasks: { type: "string", default: "1000" },
      governors: { type: "string", default: "2" },
    },
  });
  const o: LoadOptions = {
    clients: Number(values.clients),
    processes: Number(values.processes),
    tasks: Number(values.tasks),
    governors: Number(values.governors),
  };
  const r = await runLoad(o);
  console.log(
    `load: ${o.clients} clients in ${o.processes} processes x ${o.tasks} tasks = ${r.tasks} ` +
      `tasks, all ${r.right} results right; clients took ${r.clientSeconds.toFixed(1)} s ` +
      `(${Math.round(r.tasksPerSecond)} tasks/s), ${r.seconds.toFixed(1)} s with starting ` +
      "the client processes",
  );
}
