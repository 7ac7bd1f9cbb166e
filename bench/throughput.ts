/**
 * In-process throughput micro-benchmark: 10,000 independent trivial tasks
 * (concat of two small constants) in one submit, and a one-task submit→fetch
 * round trip repeated 200 times, with the server, a governor and the client
 * in this one process, measured after a warm-up. `deno task bench` measures
 * the shape users run (separate processes, cold runs included).
 *
 * Run: `deno run -A bench/throughput.ts [--tasks N] [--rounds N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { Client } from "../mod.ts";
import { independent, roundTrips } from "./_rain_workloads.ts";
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

await independent(client, Math.min(N, 2000)); // warm up
const rate = await independent(client, N);
await roundTrips(client, 20); // warm up
const ms = await roundTrips(client, ROUNDS);
console.log(`runtime: ${runtime.name}`);
console.log(`independent tasks: ${N} in one submit: ${Math.round(rate)} tasks/s (target >= 10000)`);
console.log(`submit->fetch round trip: ${ms.toFixed(3)} ms (target < 2 ms)`);
await client.close();
await governor.close();
await server.close();
