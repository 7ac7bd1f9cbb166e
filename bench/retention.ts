/**
 * Memory the server's history costs: a closed session's record kept for the
 * dashboard (per task) and the in-memory event log (per event), measured as
 * heap growth after garbage collection on a real server and governor.
 *
 * Run: `deno run -A --v8-flags=--expose-gc bench/retention.ts [--tasks N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { blob, Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: { tasks: { type: "string", default: "100000" } },
});
const N = Number(values.tasks);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("Run with --v8-flags=--expose-gc");

async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 50));
  }
  // deno-lint-ignore no-explicit-any
  return (globalThis as any).Deno?.memoryUsage().heapUsed ?? 0;
}

/** A server and governor in this process, with a client. */
async function cluster(events: number) {
  // Retention of one task: the next closed session evicts the one before.
  const server = await startServer({
    port: 0,
    heartbeatTimeoutMs: 600_000, // building the graph blocks this process for a while
    retention: { tasks: 1, events },
  });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  const governor = await startGovernor({ server: address, token, cpus: 2 });
  const client = await Client.connect(address, { token });
  return {
    server,
    client,
    async close() {
      await client.close();
      await governor.close();
      await server.close();
    },
  };
}

async function run(client: Client, n: number, name: string): Promise<void> {
  await using session = client.newSession({ name });
  const a = blob("a"), b = blob("b");
  // Names as pipelines give them: a few groups, every tenth task with a name of its own.
  for (let i = 0; i < n; i++) {
    tasks.concat([a, b], { name: i % 10 === 0 ? `bench/unique/${i}` : `bench/step-${i % 7}` });
  }
  await session.submit();
  await session.waitAll();
}

const mib = (x: number) => `${(x / 1048576).toFixed(1)} MiB`;

// 1. A closed session's record: kept, then evicted by the next closed session.
{
  const c = await cluster(100);
  await run(c.client, 2000, "warm-up");
  await run(c.client, N, "measured");
  const kept = await heap();
  await run(c.client, 1, "evicts the measured one");
  const evicted = await heap();
  const perTask = (kept - evicted) / N;
  console.log(
    `closed session of ${N} tasks: ${mib(kept - evicted)}, ${perTask.toFixed(0)} bytes per task ` +
      `(default retention 100,000 tasks: ~${mib(perTask * 100_000)})`,
  );
  await c.close();
}

// 2. The in-memory event log, full.
{
  const c = await cluster(100_000);
  await run(c.client, 2000, "warm-up");
  const { events } = c.server.monitoring;
  const empty = await heap();
  const seq = events.seq;
  await run(c.client, N, "measured");
  await run(c.client, 1, "evicts the measured one");
  const full = await heap();
  const kept = Math.min(events.seq - seq, events.capacity);
  const perEvent = (full - empty) / kept;
  console.log(
    `event log: ${((events.seq - seq) / N).toFixed(1)} events per task; ${kept} kept: ` +
      `${mib(full - empty)}, ${perEvent.toFixed(0)} bytes per event`,
  );
  await c.close();
}
