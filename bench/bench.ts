/**
 * `deno task bench` (`npm run bench`): Rain in the shape users run it,
 * side by side with Dask in the same invocation.
 *
 * Per workload: a fresh cluster started with the command line (`rain start
 * --simple`, or `rain server` + `rain governor` processes), a fresh client
 * process (`bench/_client.ts`) that runs the workload `--runs` times (the
 * first run is cold, the median of the others warm), then the same shape in
 * Dask (`bench/dask_bench.py`, a fresh LocalCluster) or the workload's own
 * baseline (bare spawns, loopback TCP). Prints a progress line per workload
 * and one table; writes the same as JSON and an SVG chart to `--out`.
 *
 * Run: `deno run -A bench/bench.ts [--runs N] [--dask-runs N] [--only KEY,...] [--no-dask] [--out DIR]
 *   [--tasks N] [--tree N] [--round-trips N] [--remote N] [--execute N] [--mib N] [--memory N]`
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeShape, startCliCluster } from "./_cli_cluster.ts";
import { type DaskFigures, ensureDask, runDask } from "./_dask.ts";
import { runJson } from "./_json_process.ts";
import { formatFigure, makeRow, type Row, table } from "./_report.ts";
import { chart } from "./_chart.ts";
import { type ClientFigures, type ClientJob, WORKLOADS } from "./_workloads.ts";

const CLIENT = new URL("./_client.ts", import.meta.url).pathname;
/** Longest a client process may run (the memory workload takes minutes). */
const CLIENT_TIMEOUT_MS = 60 * 60_000;

const sizeOptions = Object.fromEntries(
  WORKLOADS.map((w) => [w.option.name, { type: "string" as const }]),
);
const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "4" },
    // Dask has no JIT: its runs after the first differ little, and each takes minutes here.
    "dask-runs": { type: "string", default: "2" },
    only: { type: "string" },
    "no-dask": { type: "boolean", default: false },
    out: { type: "string", default: new URL("./results", import.meta.url).pathname },
    ...sizeOptions,
  },
});

function positive(name: string, value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) {
    throw new RangeError(`--${name} must be a positive integer, got "${value}"`);
  }
  return x;
}

const runs = positive("runs", values.runs);
const daskRuns = positive("dask-runs", values["dask-runs"]);
const only = values.only?.split(",");
const unknown = only?.filter((k) => !WORKLOADS.some((w) => w.key === k));
if (unknown?.length) {
  throw new RangeError(
    `Unknown workload "${unknown[0]}" in --only; known: ${WORKLOADS.map((w) => w.key).join(", ")}`,
  );
}
const selected = WORKLOADS.filter((w) => !only || only.includes(w.key));
const sizeOf = (name: string, fallback: number) => {
  const v = (values as Record<string, unknown>)[name];
  return typeof v === "string" ? positive(name, v) : fallback;
};
const log = (line: string) => console.log(line);

const cpuList = cpus();
const machine = `${cpuList.length} × ${cpuList[0]?.model.trim() ?? "unknown cpu"}, ` +
  `${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${type()} ${release()}, Deno ${Deno.version.deno}` +
  `, load average ${loadavg()[0]!.toFixed(1)} at start`;
const date = new Date().toISOString();
log(`deno task bench on ${machine}`);

const daskMissing = values["no-dask"] ? "skipped (--no-dask)" : await ensureDask(log);
if (daskMissing && !values["no-dask"]) log(`Dask baseline skipped: ${daskMissing}`);

const rows: Row[] = [];
let failed = 0;
for (const [i, w] of selected.entries()) {
  const size = sizeOf(w.option.name, w.option.default);
  const n = Math.min(runs, w.maxRuns ?? runs);
  const cluster = describeShape(w.shape);
  const step = `[${i + 1}/${selected.length}] ${w.title(size)}`;
  log(`${step}: ${cluster}, ${n} run${n > 1 ? "s" : ""}...`);
  try {
    const figures = await (async () => {
      await using c = await startCliCluster(w.shape);
      const job: ClientJob = {
        workload: w.key,
        address: c.address,
        size,
        runs: n,
        serverPid: c.serverPid,
      };
      return await runJson<ClientFigures>(
        Deno.execPath(),
        ["run", "-A", CLIENT, JSON.stringify(job)],
        CLIENT_TIMEOUT_MS,
      );
    })();
    let dask: DaskFigures | string | null = null;
    if (w.baseline === "dask") {
      dask = daskMissing ?? await runDask(w.key, size, daskRuns).catch((e: Error) => e.message);
    }
    const row = makeRow(w, size, cluster, figures, dask);
    rows.push(row);
    log(`${step}: ${progress(row)}`);
  } catch (e) {
    failed++;
    log(`${step}: FAILED: ${(e as Error).message}`);
  }
}

function progress(r: Row): string {
  const f = (x: number | null, unit: string = r.unit) => `${formatFigure(x)} ${unit}`;
  const b = r.baseline;
  const base = !b
    ? ""
    : b.figures.cold === null
    ? `; ${b.what}: ${f(b.figures.warm, b.unit)}`
    : `; ${b.what}: ${f(b.figures.cold)} cold, ${f(b.figures.warm)} warm`;
  const ratio = r.ratio
    ? `; ratio ${formatFigure(r.ratio.cold)}${r.ratio.unit} cold, ` +
      `${formatFigure(r.ratio.warm)}${r.ratio.unit} warm`
    : "";
  const met = (["cold", "warm"] as const).filter((k) => r.met[k] !== null)
    .map((k) => `${k} ${r.met[k] ? "met" : "missed"}`).join(", ");
  return `ours ${f(r.ours.cold)} cold, ${f(r.ours.warm)} warm${base}${ratio} ` +
    `(target ${r.target}${met && `: ${met}`})${r.note ? `; ${r.note}` : ""}`;
}

log("");
log(table(rows));
await mkdir(values.out, { recursive: true });
const stamp = date.replace(/[:.]/g, "-");
const json = join(values.out, `bench-${stamp}.json`);
const svg = join(values.out, "bench.svg");
await writeFile(
  json,
  JSON.stringify({ date, machine, runs, daskRuns, dask: daskMissing ?? "ran", rows }, null, 2) +
    "\n",
);
await writeFile(svg, chart(rows, machine, date));
log(`\nWrote ${json} and ${svg}`);
if (failed) {
  log(`${failed} workload${failed > 1 ? "s" : ""} failed`);
  Deno.exit(1);
}
