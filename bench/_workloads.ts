/**
 * The workloads of `deno task bench`: what each measures, on which cluster,
 * against which baseline, and its target (issue 17).
 *
 * @module
 */
import type { ClusterShape } from "./_cli_cluster.ts";

/** Parallelism of the execute workload's cluster and of its bare-spawn baseline. */
export const EXECUTE_PARALLELISM = 2;

/** What the benchmark asks of a client process (`bench/_client.ts`). */
export interface ClientJob {
  /** The workload's key. */
  workload: string;
  /** The server's `host:port`. */
  address: string;
  /** The workload's size (tasks, round trips, MiB). */
  size: number;
  /** How many runs; the first is the cold one. */
  runs: number;
  /** The server's process (memory workload). */
  serverPid?: number;
}

/** What a client process prints (one JSON line). */
export interface ClientFigures {
  /** Rain's figure of each run, the cold run first. */
  ours: number[];
  /** The baseline measured between Rain's warm runs (execute, transfers). */
  baseline?: number[];
  /** RSS in MB (memory workload): idle, after each run, after closing the sessions. */
  rss?: number[];
}

/** What a workload is compared with. */
export type Baseline =
  /** The same shape in Dask (`bench/dask_bench.py`, the workload's key). */
  | "dask"
  /** Bare `Deno.Command("true")` spawns with null stdio, at the same parallelism. */
  | "spawn"
  /** A file copied over a loopback TCP connection. */
  | "loopback"
  /** None: the target is an absolute figure. */
  | "none";

/** A workload's target. */
export type Target =
  /** Rain's figure is at least `times` the baseline's (cold vs cold, warm vs warm). */
  | { times: number }
  /** Rain's figure is at least `percent` of the baseline's. */
  | { percent: number }
  /** Rain's figure is at most `most` (its unit). */
  | { most: number };

/** One workload. */
export interface Workload {
  /** Its key (`--only`, JSON, the client process and the Dask script). */
  key: string;
  /** The option that sets its size, and the default size. */
  option: { name: string; default: number };
  /** Its name in the table, for a size. */
  title(size: number): string;
  /** Unit of the figures. */
  unit: "tasks/s" | "ms" | "MiB/s" | "MB/1M tasks";
  /** Whether a larger figure is better. */
  higherIsBetter: boolean;
  /** The cluster Rain's side runs on. */
  shape: ClusterShape;
  /** What it is compared with. */
  baseline: Baseline;
  /** Its target. */
  target: Target;
  /** Most runs it does (the memory workload is too slow for many). */
  maxRuns?: number;
}

const n = (x: number) => x.toLocaleString("en-US");
const fourGovernors: ClusterShape = { governors: [1, 1, 1, 1] };

/** Every workload, in the order they run. */
export const WORKLOADS: Workload[] = [
  {
    key: "independent",
    option: { name: "tasks", default: 10_000 },
    title: (s) => `${n(s)} independent trivial tasks, one submit`,
    unit: "tasks/s",
    higherIsBetter: true,
    shape: { simple: 2 },
    baseline: "dask",
    target: { times: 100 },
  },
  {
    key: "tree",
    option: { name: "tree", default: 20_000 },
    title: (s) => `${n(s)}-task binary concat tree`,
    unit: "tasks/s",
    higherIsBetter: true,
    shape: fourGovernors,
    baseline: "dask",
    target: { times: 50 },
  },
  {
    key: "roundtrip",
    option: { name: "round-trips", default: 200 },
    title: (s) => `${n(s)} sequential one-task submit→fetch round trips`,
    unit: "ms",
    higherIsBetter: false,
    shape: { simple: 2 },
    baseline: "dask",
    target: { most: 0.5 },
  },
  {
    key: "remote",
    option: { name: "remote", default: 5_000 },
    title: (s) => `${n(s)} trivial remote-function tasks`,
    unit: "tasks/s",
    higherIsBetter: true,
    shape: { simple: 2 },
    baseline: "dask",
    target: { times: 5 },
  },
  {
    key: "execute",
    option: { name: "execute", default: 1_000 },
    title: (s) => `${n(s)} execute("true") vs bare spawns`,
    unit: "tasks/s",
    higherIsBetter: true,
    shape: { simple: EXECUTE_PARALLELISM },
    baseline: "spawn",
    target: { percent: 80 },
  },
  {
    key: "transfer",
    option: { name: "mib", default: 1024 },
    title: (s) => `${n(s)} MiB governor→governor vs loopback TCP`,
    unit: "MiB/s",
    higherIsBetter: true,
    shape: fourGovernors,
    baseline: "loopback",
    target: { percent: 70 },
  },
  {
    key: "fetch",
    option: { name: "mib", default: 1024 },
    title: (s) => `${n(s)} MiB governor→client vs loopback TCP`,
    unit: "MiB/s",
    higherIsBetter: true,
    shape: fourGovernors,
    baseline: "loopback",
    target: { percent: 70 },
  },
  {
    key: "memory",
    option: { name: "memory", default: 1_000_000 },
    title: (s) => `server RSS growth, ${n(s)} finished tasks, sessions open`,
    unit: "MB/1M tasks",
    higherIsBetter: false,
    shape: { governors: [2] },
    baseline: "none",
    target: { most: 300 },
    maxRuns: 2,
  },
];
