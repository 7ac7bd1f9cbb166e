/**
 * The Dask baseline: `bench/dask_bench.py` under Debian's system interpreter
 * (`/usr/bin/python3`, where the `python3-distributed` package installs Dask;
 * a `python3` earlier on PATH, e.g. pyenv's, would not have it).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { runJson } from "./_json_process.ts";

/** The interpreter the Debian package installs into. */
export const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./dask_bench.py", import.meta.url).pathname;
/** How the user installs it, when the benchmark cannot. */
export const INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y python3-distributed";

/** What one Dask workload measured. */
export interface DaskFigures {
  /** The figure of each run, the first on a freshly started LocalCluster. */
  values: number[];
  /** The LocalCluster's shape. */
  cluster: string;
}

async function hasDask(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  const { success } = await new Deno.Command(PYTHON, {
    args: ["-c", "import dask.distributed"],
    stdout: "null",
    stderr: "null",
  }).output();
  return success;
}

/**
 * Makes sure Dask can run: installs `python3-distributed` with apt-get when
 * it is missing and this process is root on a Debian-like system.
 *
 * @param log Receives a line about an install.
 * @returns `null` when Dask is there, else why not and how to install it.
 */
export async function ensureDask(log: (line: string) => void): Promise<string | null> {
  if (await hasDask()) return null;
  const root = Deno.uid() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    log("Dask is missing: installing python3-distributed with apt-get (a few minutes)...");
    const apt = (args: string[]) =>
      new Deno.Command("/usr/bin/apt-get", {
        args,
        env: { DEBIAN_FRONTEND: "noninteractive" },
        stdout: "null",
        stderr: "piped",
      }).output();
    const update = await apt(["update", "-qq"]);
    const install = update.success
      ? await apt(["install", "-y", "-qq", "python3-distributed"])
      : update;
    if (install.success && await hasDask()) return null;
    const err = new TextDecoder().decode(install.stderr).trim().split("\n").slice(-2).join(" ");
    return `installing python3-distributed failed (${err}); install it with: ${INSTALL_HINT}`;
  }
  return `${PYTHON} cannot import dask.distributed; install it with: ${INSTALL_HINT}` +
    " (or pass --no-dask)";
}

/**
 * Runs one workload in Dask.
 *
 * @param workload The workload's key (see `dask_bench.py`).
 * @param size Its size.
 * @param runs How many runs.
 * @returns The figures.
 */
export function runDask(workload: string, size: number, runs: number): Promise<DaskFigures> {
  return runJson<DaskFigures>(PYTHON, [SCRIPT, workload, `${size}`, `${runs}`], 60 * 60_000);
}
