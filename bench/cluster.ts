/**
 * Cluster benchmark, against baselines measured in the same run:
 *
 * 1. A binary concat tree of 20,000 tasks over 4 local governor processes
 *    and a server process (as `rain server` + `rain governor` run them), the
 *    client being this script, vs the same tree in Dask (`LocalCluster`, 4 single-threaded worker
 *    processes, Debian's python3-distributed). Target: >= 50x Dask's tasks/s.
 * 2. A 1 GiB blob moved governor -> governor, vs a plain loopback TCP copy
 *    of 1 GiB (file -> socket -> file). Target: >= 70% of loopback. The
 *    same move runs on a second server whose governors do not verify what
 *    they fetch (`RAIN_VERIFY=0`), side by side: what hashing the bytes as
 *    they arrive costs. Target: <= 10% more time.
 *
 * Both systems first run `--warmup` trees of the same size (default 4, at
 * least 1), then
 * three measured ones; each reports the median of those three. The servers
 * are long-running processes: V8 takes about 100,000 tasks to reach steady
 * state (the first tree runs at about half the speed), which the figures of
 * the first, cold tree show too. Python has no JIT: Dask's trees run at the
 * same speed throughout.
 *
 * Run: `deno run -A bench/cluster.ts [--tasks N] [--warmup TREES] [--mib N] [--no-dask]
 * [--no-tree] [--rounds N]` (`--no-tree` runs the transfers only; `--rounds`:
 * measured transfers of each kind, default 3).
 *
 * @module
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat, truncate } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { blob, Client, type DataObject, Input, type Task, tasks } from "../mod.ts";
import { runDaskFigures } from "./_dask.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tasks: { type: "string", default: "20000" },
    mib: { type: "string", default: "1024" },
    warmup: { type: "string" },
    "no-dask": { type: "boolean", default: false },
    "no-tree": { type: "boolean", default: false },
    rounds: { type: "string", default: "3" },
  },
});
const TASKS = Number(values.tasks);
const MIB = Number(values.mib);
const WARMUP = Math.max(1, Number(values.warmup ?? 4));
/** Measured trees per system; each reports the median. */
const TREE_ROUNDS = 3;
const CLI = new URL("../cli/main.ts", import.meta.url).pathname;

const DASK_TREE = `
import sys, time, logging
from dask.distributed import Client, LocalCluster
def concat(a, b):
    return a + b
if __name__ == "__main__":
    n, warmup, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    cold = None
    cluster = LocalCluster(n_workers=4, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    def tree(count):
        level = [client.scatter(b"x") for _ in range(1)] * (count + 1)
        tasks = 0
        while len(level) > 1:
            nxt = []
            for i in range(0, len(level) - 1, 2):
                nxt.append(client.submit(concat, level[i], level[i + 1], pure=False))
                tasks += 1
            if len(level) % 2:
                nxt.append(level[-1])
            level = nxt
        return level[0], tasks
    for _ in range(warmup):
        start = time.perf_counter()
        f, tasks = tree(n)
        f.result()
        cold = cold or tasks / (time.perf_counter() - start)
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        f, tasks = tree(n)
        f.result()
        rates.append(tasks / (time.perf_counter() - start))
    print(cold)
    print(sorted(rates)[len(rates) // 2])
    client.close()
    cluster.close()
`;

/** Starts `rain server` on a free port; resolves with its process and address. */
async function startServerProcess(): Promise<{ child: Deno.ChildProcess; address: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "server", "--listen", "127.0.0.1:0"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on (\S+) /.exec(text))) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`rain server exited before listening: ${text}`);
    text += value;
  }
  // Keep draining, so a later line can never block the server on a full pipe.
  (async () => {
    while (!(await lines.read()).done);
  })();
  return { child, address: match[1]! };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function startGovernors(
  address: string,
  cpus: number[],
  env: Record<string, string> = {},
): Promise<Deno.ChildProcess[]> {
  const children = cpus.map((n) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "governor", address, "--cpus", `${n}`],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn()
  );
  const client = await Client.connect(address);
  while ((await client.serverInfo()).governors.length < cpus.length) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.close();
  return children;
}

async function stopGovernors(children: Deno.ChildProcess[]): Promise<void> {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => c.status));
}

/** Builds a binary concat tree over `tasks + 1` leaves: exactly `tasks` concat tasks. */
function tree(count: number): Task {
  let level: (DataObject | Task)[] = Array.from({ length: count + 1 }, () => blob("x"));
  while (level.length > 1) {
    const next: (DataObject | Task)[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(tasks.concat([level[i]!, level[i + 1]!]));
    }
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0] as Task;
}

async function rainTree(client: Client, count: number): Promise<number> {
  await using session = client.newSession({ name: "bench/tree" });
  const start = performance.now();
  const root = tree(count);
  root.keepOutputs();
  await session.submit();
  const data = await root.output.fetch();
  if (data.bytes().length !== count + 1) throw new Error("Wrong tree result");
  return count / ((performance.now() - start) / 1000);
}

/** Moves a blob governor -> governor and returns the MiB/s of the fetch. */
async function rainTransfer(client: Client, mib: number): Promise<number> {
  await using session = client.newSession({ name: "bench/transfer" });
  // big1 needs 3 cpus (only the 3-cpu governor), big2 goes elsewhere and is
  // larger, so the reader of both runs with big2 and fetches big1.
  const make = (size: number, cpus: number) =>
    tasks.execute(`truncate -s ${size} big`, { shell: true, outputPaths: ["big"], cpus });
  const big1 = make(mib * 1024 * 1024, 3);
  const big2 = make((mib + 64) * 1024 * 1024, 2);
  const reader = tasks.execute("true", {
    inputPaths: [
      new Input("a", { path: "a", dataobj: big1 }),
      new Input("b", { path: "b", dataobj: big2 }),
    ],
  });
  await session.submit();
  await session.wait([big1, big2, reader]);
  if (reader.info!.governor === big1.info!.governor) throw new Error("No transfer happened");
  return mib / (reader.info!.duration / 1000);
}

async function loopbackCopy(mib: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "rain-bench-"));
  try {
    const src = join(dir, "src");
    await Deno.writeFile(src, new Uint8Array(0));
    await truncate(src, mib * 1024 * 1024);
    const server = createServer((socket) => createReadStream(src).pipe(socket));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const start = performance.now();
    await pipeline(connect(port, "127.0.0.1"), createWriteStream(join(dir, "dst")));
    const seconds = (performance.now() - start) / 1000;
    server.close();
    if ((await stat(join(dir, "dst"))).size !== mib * 1024 * 1024) throw new Error("Short copy");
    return mib / seconds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const server = await startServerProcess();
const address = server.address;
if (!values["no-tree"]) {
  const governors = await startGovernors(address, [1, 1, 1, 1]);
  const client = await Client.connect(address);
  const warm: number[] = [];
  for (let r = 0; r < WARMUP; r++) warm.push(await rainTree(client, TASKS));
  const rates: number[] = [];
  for (let r = 0; r < TREE_ROUNDS; r++) rates.push(await rainTree(client, TASKS));
  const rain = median(rates);
  await client.close();
  await stopGovernors(governors);
  const cold = warm[0]!;
  console.log(
    `rain: binary concat tree, ${TASKS} tasks, 4 governors: ${Math.round(rain)} tasks/s ` +
      `(median of ${TREE_ROUNDS} after ${WARMUP} warm-up trees; all trees: ${
        [...warm, ...rates].map(Math.round).join(", ")
      })`,
  );
  if (!values["no-dask"]) {
    const dask = await runDaskFigures(DASK_TREE, [
      String(TASKS),
      String(WARMUP),
      String(TREE_ROUNDS),
    ], 2);
    if (typeof dask === "string") console.log(`dask baseline: ${dask}`);
    else {
      const [daskCold, daskRate] = dask as [number, number];
      console.log(
        `dask: the same tree, LocalCluster(4 workers x 1 thread): ${
          Math.round(daskRate)
        } tasks/s ` +
          `(median of ${TREE_ROUNDS} after the same warm-up; first tree ${Math.round(daskCold)})`,
      );
      console.log(
        `ratio rain/dask: ${(rain / daskRate).toFixed(1)}x (target >= 50x); ` +
          `first, cold tree: ${(cold / daskCold).toFixed(1)}x`,
      );
    }
  }
}

// Transfers with and without verification and loopback copies alternate,
// compared by their medians: this machine's background load changes from one
// second to the next.
const ROUNDS = Number(values.rounds);
const movers = await startGovernors(address, [3, 2]);
const client2 = await Client.connect(address);
const plain = await startServerProcess();
const plainMovers = await startGovernors(plain.address, [3, 2], { RAIN_VERIFY: "0" });
const plainClient = await Client.connect(plain.address);
const moves: number[] = [];
const plainMoves: number[] = [];
const copies: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  moves.push(await rainTransfer(client2, MIB));
  plainMoves.push(await rainTransfer(plainClient, MIB));
  copies.push(await loopbackCopy(MIB));
}
await client2.close();
await plainClient.close();
await stopGovernors([...movers, ...plainMovers]);
for (const s of [server, plain]) {
  s.child.kill("SIGTERM");
  await s.child.status;
}
const moved = median(moves);
const movedPlain = median(plainMoves);
const tcp = median(copies);
console.log(
  `rain: ${MIB} MiB governor -> governor: ${Math.round(moved)} MiB/s (median of ${ROUNDS}; ` +
    `all: ${moves.map(Math.round).join(", ")})`,
);
console.log(
  `rain, fetched bytes not hashed (RAIN_VERIFY=0): ${Math.round(movedPlain)} MiB/s ` +
    `(all: ${plainMoves.map(Math.round).join(", ")}); hashing adds ` +
    `${(100 * (movedPlain / moved - 1)).toFixed(1)}% to the transfer time (target <= 10%)`,
);
console.log(`loopback TCP copy of ${MIB} MiB: ${Math.round(tcp)} MiB/s (median of ${ROUNDS})`);
console.log(`ratio: ${(100 * moved / tcp).toFixed(0)}% of loopback (target >= 70%)`);
