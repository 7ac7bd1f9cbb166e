/**
 * Turns the figures of `deno task bench` into rows: cold and warm figures,
 * the baseline's, their ratio and whether the target is met; and prints
 * them as one Markdown table.
 *
 * @module
 */
import type { ClientFigures, Target, Workload } from "./_workloads.ts";
import type { DaskFigures } from "./_dask.ts";

/** A figure of the first run (cold) and the median of the following runs (warm). */
export interface ColdWarm {
  /** The first run, on a freshly started cluster; `null` when not measured. */
  cold: number | null;
  /** The median of the following runs; `null` when there were none. */
  warm: number | null;
  /** Every run, in order. */
  runs: number[];
}

/** One workload's result. */
export interface Row {
  /** The workload's key. */
  key: string;
  /** Its name, with its size. */
  title: string;
  /** Its size. */
  size: number;
  /** Unit of `ours` and `baseline`. */
  unit: Workload["unit"];
  /** The cluster, as the commands that started it. */
  cluster: string;
  /** Rain's figures. */
  ours: ColdWarm;
  /** What it is compared with, its figures and their unit; `null` when skipped or none. */
  baseline: { what: string; figures: ColdWarm; unit: string } | null;
  /** Rain vs the baseline: times better (Dask) or percent of it; `null` when not comparable. */
  ratio: { cold: number | null; warm: number | null; unit: "×" | "%" } | null;
  /** The target, as text. */
  target: string;
  /** The target. */
  goal: Target;
  /** Whether the cold and the warm figure meet the target (`null`: not measured). */
  met: { cold: boolean | null; warm: boolean | null };
  /** RSS of the server in MB: idle, after each run, after the sessions closed (memory). */
  rss?: number[];
  /** Why the workload or its baseline has no figures. */
  note?: string;
}

/**
 * The median.
 *
 * @param xs Numbers (not empty).
 * @returns The middle one (the upper middle of an even count).
 */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function coldWarm(runs: number[]): ColdWarm {
  return { cold: runs[0] ?? null, warm: runs.length > 1 ? median(runs.slice(1)) : null, runs };
}

const targetText = (t: Target, w: Workload) =>
  "times" in t
    ? `≥ ${t.times}× Dask`
    : "percent" in t
    ? `≥ ${t.percent}% of ${w.baseline === "spawn" ? "bare spawns" : "loopback"}`
    : `≤ ${t.most} ${w.unit}`;

/**
 * Builds a workload's row.
 *
 * @param w The workload.
 * @param size Its size.
 * @param cluster Its cluster, described.
 * @param figures What Rain's client measured.
 * @param dask What Dask measured, or why it did not run (Dask workloads only).
 * @returns The row.
 */
export function makeRow(
  w: Workload,
  size: number,
  cluster: string,
  figures: ClientFigures,
  dask: DaskFigures | string | null,
): Row {
  const ours = coldWarm(figures.ours);
  let baseline: Row["baseline"] = null;
  let note: string | undefined;
  if (w.baseline === "dask") {
    if (typeof dask === "string") note = `Dask: ${dask}`;
    else if (dask) {
      baseline = { what: `Dask ${dask.cluster}`, figures: coldWarm(dask.values), unit: w.unit };
    }
  } else if (figures.baseline?.length) {
    const m = median(figures.baseline);
    const spawn = w.baseline === "spawn";
    baseline = {
      what: spawn ? "bare Deno.Command spawns" : "loopback TCP copy",
      figures: { cold: null, warm: m, runs: figures.baseline },
      unit: spawn ? "spawns/s" : w.unit,
    };
  }
  const t = w.target;
  let ratio: Row["ratio"] = null;
  if (baseline) {
    const b = baseline.figures;
    // Cold is compared with the baseline's cold run where it has one.
    const against = (x: number | null, y: number | null) =>
      x === null || y === null ? null : w.higherIsBetter ? x / y : y / x;
    const scale = "percent" in t ? 100 : 1;
    const r = (x: number | null) => x === null ? null : x * scale;
    ratio = {
      cold: r(against(ours.cold, b.cold ?? b.warm)),
      warm: r(against(ours.warm, b.warm)),
      unit: "percent" in t ? "%" : "×",
    };
  }
  const meets = (own: number | null, rel: number | null | undefined) =>
    "most" in t
      ? own === null ? null : own <= t.most
      : rel == null
      ? null
      : rel >= ("times" in t ? t.times : t.percent);
  const met = { cold: meets(ours.cold, ratio?.cold), warm: meets(ours.warm, ratio?.warm) };
  return {
    key: w.key,
    title: w.title(size),
    size,
    unit: w.unit,
    cluster,
    ours,
    baseline,
    ratio,
    target: targetText(t, w),
    goal: t,
    met,
    ...figures.rss && { rss: figures.rss },
    ...note && { note },
  };
}

/**
 * Formats a figure with a precision that suits its size.
 *
 * @param x The figure.
 * @returns E.g. `18,400`, `403`, `0.91`.
 */
export function formatFigure(x: number | null): string {
  if (x === null) return "—";
  if (x >= 100) return Math.round(x).toLocaleString("en-US");
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const pair = (a: number | null, b: number | null, unit = "") =>
  a === null && b === null ? "—" : `${formatFigure(a)}${unit} / ${formatFigure(b)}${unit}`;

function metText(m: Row["met"]): string {
  if (m.cold === null && m.warm === null) return "—";
  if (m.cold !== false && m.warm !== false) return "yes";
  if (m.cold === false && m.warm === false) return "no";
  return m.warm ? "warm only" : "cold only";
}

/**
 * The rows as one Markdown table.
 *
 * @param rows The rows.
 * @returns The table's lines.
 */
export function table(rows: Row[]): string {
  const lines = [
    "| workload | unit | ours cold | ours warm | Dask / baseline (cold / warm) | ratio (cold / warm) | target | met |",
    "|---|---|--:|--:|--:|--:|---|---|",
  ];
  for (const r of rows) {
    const b = r.baseline?.figures;
    const base = !b ? "—" : b.cold === null ? formatFigure(b.warm) : pair(b.cold, b.warm);
    const ratio = r.ratio ? pair(r.ratio.cold, r.ratio.warm, r.ratio.unit) : "—";
    lines.push(
      `| ${r.title} | ${r.unit} | ${formatFigure(r.ours.cold)} | ${formatFigure(r.ours.warm)} | ` +
        `${base} | ${ratio} | ${r.target} | ${metText(r.met)} |`,
    );
  }
  return lines.join("\n");
}
