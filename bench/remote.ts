/**
 * Remote-function throughput: N trivial remote tasks on a warm executor pool
 * (one governor, 2 cpus), against the Dask baseline: `client.map` of a
 * trivial function N times on a `LocalCluster(n_workers=2,
 * threads_per_worker=1, processes=True)` with Debian's python3-distributed.
 *
 * Run: `deno run -A bench/remote.ts [--tasks N] [--no-dask]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Client, remote } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";
import { runDask } from "./_dask.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: {
    tasks: { type: "string", default: "5000" },
    "no-dask": { type: "boolean", default: false },
  },
});
const N = Number(values.tasks);

const DASK_SCRIPT = `
import sys, time, logging
from dask.distributed import Client, LocalCluster
def inc(x):
    return x + 1
if __name__ == "__main__":
    n = int(sys.argv[1])
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    client.gather(client.map(inc, range(200), pure=False))  # warm up
    start = time.perf_counter()
    futures = client.map(inc, range(n), pure=False)
    client.gather(futures)
    print(n / (time.perf_counter() - start))
    client.close()
    cluster.close()
`;

async function rainRate(n: number): Promise<number> {
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const governor = await startGovernor({ server: address, token: server.token!, cpus: 2 });
  const client = await Client.connect(address, { token: server.token! });
  const inc = remote((_ctx, x: number) => String(x + 1));
  const run = async (count: number) => {
    await using session = client.newSession({ name: "bench/remote" });
    const start = performance.now();
    for (let i = 0; i < count; i++) inc(i);
    await session.submit();
    await session.waitAll();
    return count / ((performance.now() - start) / 1000);
  };
  try {
    await run(200); // warm up: starts the executors
    return await run(n);
  } finally {
    await client.close();
    await governor.close();
    await server.close();
  }
}

const rain = await rainRate(N);
console.log(`runtime: ${runtime.name}`);
console.log(
  `rain remote: ${N} trivial tasks, warm pool (2 executors): ${Math.round(rain)} tasks/s`,
);
if (!values["no-dask"]) {
  const dask = await runDask(DASK_SCRIPT, [String(N)]);
  if (typeof dask === "string") console.log(`dask baseline: ${dask}`);
  else {
    console.log(
      `dask client.map: ${N} trivial tasks, LocalCluster(2 workers x 1 thread): ${
        Math.round(dask)
      } tasks/s`,
    );
    console.log(`ratio rain/dask: ${(rain / dask).toFixed(1)}x (target >= 5x)`);
  }
}
