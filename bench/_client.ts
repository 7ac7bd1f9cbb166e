/**
 * The client process of `deno task bench`: connects to a cluster the
 * benchmark started, runs one workload `runs` times and prints the figures as
 * one JSON line. It is a process of its own, started fresh per workload, so
 * its first run is cold on the client side too.
 *
 * Run: `deno run -A bench/_client.ts '{"workload":..., "address":..., "size":..., "runs":...}'`
 *
 * @module
 */
import { Client } from "../mod.ts";
import * as rain from "./_rain_workloads.ts";
import { bareSpawns, loopbackCopy } from "./_baselines.ts";
import { type ClientFigures, type ClientJob, EXECUTE_PARALLELISM } from "./_workloads.ts";

type Run = (client: Client, size: number) => Promise<number>;

/** Rain's run and the baseline run that alternates with its warm runs. */
const RUNS: Record<string, [Run, ((size: number) => Promise<number>)?]> = {
  independent: [rain.independent],
  tree: [rain.tree],
  roundtrip: [rain.roundTrips],
  remote: [rain.remoteTasks],
  execute: [rain.executeTasks, (n) => bareSpawns(n, EXECUTE_PARALLELISM)],
  transfer: [rain.governorToGovernor, loopbackCopy],
  fetch: [rain.governorToClient, loopbackCopy],
};

async function measure(client: Client, job: ClientJob): Promise<ClientFigures> {
  if (job.workload === "memory") {
    const open: { close(): Promise<void> }[] = [];
    const rss = [await rain.rssMb(job.serverPid!)];
    const ours: number[] = [];
    for (let r = 0; r < job.runs; r++) {
      ours.push(await rain.serverMemory(client, job.size, job.serverPid!, open));
      rss.push(await rain.rssMb(job.serverPid!));
    }
    for (const s of open) await s.close();
    rss.push(await rain.rssMb(job.serverPid!));
    return { ours, rss };
  }
  const [run, baseline] = RUNS[job.workload] ?? [];
  if (!run) throw new Error(`Unknown workload "${job.workload}"`);
  const ours = [await run(client, job.size)];
  if (!baseline) {
    for (let r = 1; r < job.runs; r++) ours.push(await run(client, job.size));
    return { ours };
  }
  // Alternating rounds: this machine's background load changes from one second to the next.
  const base: number[] = [];
  for (let r = 1; r < Math.max(2, job.runs); r++) {
    base.push(await baseline(job.size));
    if (r < job.runs) ours.push(await run(client, job.size));
  }
  return { ours, baseline: base };
}

const job = JSON.parse(Deno.args[0]!) as ClientJob;
const client = await Client.connect(job.address);
try {
  console.log(JSON.stringify(await measure(client, job)));
} finally {
  await client.close();
}
