/**
 * Edge benchmark: 10,000 independent trivial tasks (concat of two small
 * constants) in one submit, through the server hosted by workerd (the
 * Cloudflare Workers build, `edge/`) and through the Deno-hosted server
 * (`rain server`), in the same run. Each server is a process of its own; the
 * governor (all cpus) and the client are this script.
 *
 * Each host first runs `--warmup` submits (default 3, at least 1), then
 * `--rounds` measured ones (default 3); the median is reported.
 *
 * Run: `deno run -A bench/edge.ts [--tasks N] [--warmup N] [--rounds N]`
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { blob, Client, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";
import { ROOT, startReady } from "../tests/_runtime_process.ts";
import { startWorkerd } from "../tests/_workerd.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: {
    tasks: { type: "string", default: "10000" },
    warmup: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(values.tasks);
const WARMUP = Math.max(1, Number(values.warmup));
const ROUNDS = Math.max(1, Number(values.rounds));

/** A server process: its address and how to stop it. */
interface Host {
  address: string;
  close(): Promise<void>;
}

/** `rain server` on Deno, on a free port. */
async function denoServer(): Promise<Host> {
  const process = await startReady({
    cmd: Deno.execPath(),
    args: ["run", "-A", `${ROOT}cli/main.ts`, "server", "--listen", "127.0.0.1:0"],
    ready: /Rain server listening on (\S+:\d+) /,
  });
  return { address: process.ready[1]!, close: () => process.close() };
}

/** The edge worker in workerd, on a free port. */
async function workerdServer(): Promise<Host> {
  const { address, server } = await startWorkerd();
  return { address, close: () => server.close() };
}

/** Tasks per second of one submit of `n` independent tasks. */
async function independentTasks(client: Client, n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/edge" });
  const a = blob("Hello ");
  const b = blob("world!");
  const start = performance.now();
  for (let i = 0; i < n; i++) tasks.concat([a, b]);
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** Warms up, then measures `ROUNDS` submits through the server `start` starts. */
async function measure(start: () => Promise<Host>): Promise<number> {
  const host = await start();
  try {
    const governor = await startGovernor({ server: host.address, cpus: availableParallelism() });
    try {
      const client = await Client.connect(host.address);
      try {
        for (let i = 0; i < WARMUP; i++) await independentTasks(client, N);
        const rates: number[] = [];
        for (let i = 0; i < ROUNDS; i++) rates.push(await independentTasks(client, N));
        return median(rates);
      } finally {
        await client.close();
      }
    } finally {
      await governor.close();
    }
  } finally {
    await host.close();
  }
}

const deno = await measure(denoServer);
const workerd = await measure(workerdServer);
console.log(`${N} independent tasks in one submit (median of ${ROUNDS} after ${WARMUP} warm-up):`);
console.log(`  server on Deno:    ${Math.round(deno)} tasks/s`);
console.log(
  `  server in workerd: ${Math.round(workerd)} tasks/s (${(workerd / deno).toFixed(2)}x)`,
);
