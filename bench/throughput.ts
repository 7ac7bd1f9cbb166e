/**
 * Throughput benchmark: 10,000 independent trivial tasks (concat of two
 * small constants) in one submit, and a one-task submit→fetch round trip
 * repeated 200 times, on a real local server and governor.
 *
 * Run: `deno run -A bench/throughput.ts [--tasks N] [--rounds N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { blob, Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: {
    tasks: { type: "string", default: "10000" },
    rounds: { type: "string", default: "200" },
  },
});
const N = Number(values.tasks);
const ROUNDS = Number(values.rounds);

const server = await startServer({ port: 0 });
const address = `127.0.0.1:${server.port}`;
const governor = await startGovernor({
  server: address,
  token: server.token!,
  cpus: availableParallelism(),
});
const client = await Client.connect(address, { token: server.token! });

async function independentTasks(n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/throughput" });
  const a = blob("Hello ");
  const b = blob("world!");
  const start = performance.now();
  for (let i = 0; i < n; i++) tasks.concat([a, b]);
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

async function roundTrips(rounds: number): Promise<number> {
  await using session = client.newSession({ name: "bench/roundtrip" });
  const a = blob("Hello ");
  a.keep();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t = tasks.concat([a, a]);
    t.output.keep();
    await session.submit();
    const data = await t.output.fetch();
    if (data.bytes().length !== 12) throw new Error("Wrong result");
    await t.output.unkeep();
  }
  return (performance.now() - start) / rounds;
}

await independentTasks(Math.min(N, 2000)); // warm up
const rate = await independentTasks(N);
await roundTrips(20); // warm up
const ms = await roundTrips(ROUNDS);
console.log(`runtime: ${runtime.name}`);
console.log(`independent tasks: ${N} in one submit: ${Math.round(rate)} tasks/s (target >= 10000)`);
console.log(`submit->fetch round trip: ${ms.toFixed(3)} ms (target < 2 ms)`);
await client.close();
await governor.close();
await server.close();
