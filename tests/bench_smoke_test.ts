/**
 * A smoke run of `deno task bench` (tiny sizes), so that the benchmark cannot
 * rot: every workload runs on clusters started with the CLI and a client
 * process, and the table, the JSON and the SVG chart come out. The Dask side
 * runs for one workload when Debian's python3-distributed is installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Row } from "../bench/_report.ts";
import { WORKLOADS } from "../bench/_workloads.ts";
import { tempDir } from "./_util.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const TINY = [
  ...["--tasks", "40", "--tree", "40", "--round-trips", "4", "--remote", "10"],
  ...["--execute", "10", "--mib", "1", "--memory", "1000"],
];

/**
 * Runs the bench as the README says (`deno task bench`) into a temporary
 * directory; returns its printed table and JSON report.
 */
async function bench(args: string[]) {
  await using out = await tempDir();
  const run = new Deno.Command(Deno.execPath(), {
    args: ["task", "bench", ...args, "--out", out.path],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => run.kill("SIGKILL"), 180_000);
  const { code, stdout, stderr } = await run.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `bench failed:\n${text}\n${new TextDecoder().decode(stderr)}`);
  const files = await readdir(out.path);
  const json = files.find((f) => /^bench-.*\.json$/.test(f));
  assert.ok(json, `no JSON report in ${files}`);
  assert.ok(files.includes("bench.svg"), `no SVG chart in ${files}`);
  const report = JSON.parse(await readFile(join(out.path, json), "utf8")) as {
    machine: string;
    rows: Row[];
  };
  return { text, report, svg: await readFile(join(out.path, "bench.svg"), "utf8") };
}

Deno.test("bench: every workload runs, cold and warm, into a table, JSON and a chart", async () => {
  const { text, report, svg } = await bench(["--runs", "2", "--no-dask", ...TINY]);
  assert.deepEqual(report.rows.map((r) => r.key), WORKLOADS.map((w) => w.key));
  for (const row of report.rows) {
    assert.ok(row.ours.cold! > 0 && row.ours.warm! > 0, `${row.key}: ${JSON.stringify(row.ours)}`);
    assert.ok(text.includes(`| ${row.title} |`), `${row.title} missing from the table`);
    assert.ok(svg.includes(row.title.replace(/"/g, "&quot;")), `${row.title} missing in the chart`);
  }
  const byKey = Object.fromEntries(report.rows.map((r) => [r.key, r]));
  for (const key of ["execute", "transfer", "fetch"]) {
    assert.ok(byKey[key]!.ratio!.warm! > 0, `${key} has no ratio to its baseline`);
  }
  assert.equal(byKey.memory!.rss!.length, 4, "RSS idle, after each run, after closing");
  assert.match(report.machine, /\d+ × .*RAM/);
  assert.match(text, /^\[8\/8\] .*ours/m, "a progress line per workload");
});

const daskMissing = !existsSync("/usr/bin/python3") ||
  !(await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import dask.distributed"],
    stdout: "null",
    stderr: "null",
  }).output()).success;

Deno.test({
  name: `bench: the Dask side runs the same shape${
    daskMissing ? " (ignored: no python3-distributed)" : ""
  }`,
  ignore: daskMissing,
  async fn() {
    const { report } = await bench(["--runs", "2", "--only", "roundtrip", "--round-trips", "3"]);
    const [row] = report.rows;
    assert.match(row!.baseline!.what, /^Dask LocalCluster/);
    assert.ok(row!.ratio!.cold! > 0 && row!.ratio!.warm! > 0);
  },
});
