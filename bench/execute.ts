/**
 * Execute benchmark: 1,000 `tasks.execute("true")` tasks on a local
 * governor vs spawning `true` 1,000 times directly from the same runtime with
 * the same parallelism. Prints both rates and the ratio (target >= 80%).
 *
 * Run: `deno run -A bench/execute.ts [--tasks N] [--cpus N]` (N per round, 5 rounds each)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { tmpdir } from "node:os";
import { Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: { tasks: { type: "string", default: "1000" }, cpus: { type: "string", default: "2" } },
});
const N = Number(values.tasks);
const CPUS = Number(values.cpus);

async function rawSpawns(n: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const r = await runtime.spawn({ cmd: "true", args: [], cwd: tmpdir() });
      if (r.code !== 0) throw new Error("true failed");
    }
  };
  await Promise.all(Array.from({ length: CPUS }, worker));
  return n / ((performance.now() - start) / 1000);
}

const server = await startServer({ port: 0 });
const address = `127.0.0.1:${server.port}`;
const governor = await startGovernor({ server: address, token: server.token!, cpus: CPUS });
const client = await Client.connect(address, { token: server.token! });

async function executeTasks(n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/execute" });
  const start = performance.now();
  for (let i = 0; i < n; i++) tasks.execute("true");
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

// The two are measured in alternating rounds and compared by their medians:
// this machine's background load changes from one second to the next.
const ROUNDS = 5;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await rawSpawns(100); // warm up
await executeTasks(100);
const raws: number[] = [];
const rains: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  raws.push(await rawSpawns(N));
  rains.push(await executeTasks(N));
}
const raw = median(raws);
const rain = median(rains);
console.log(`runtime: ${runtime.name}, parallelism ${CPUS}`);
console.log(`raw spawn of "true": ${Math.round(raw)}/s (median of ${ROUNDS} rounds of ${N})`);
console.log(
  `tasks.execute("true"): ${Math.round(rain)} tasks/s (median of ${ROUNDS} rounds of ${N})`,
);
console.log(`ratio: ${(100 * rain / raw).toFixed(1)}% of raw spawn (target >= 80%)`);
await client.close();
await governor.close();
await server.close();
