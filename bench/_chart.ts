/**
 * The SVG bar chart of `deno task bench`: per workload, how much of its
 * target the cold and the warm run reached, on a log scale (100% = target
 * met), each bar labelled with its figure; the machine it ran on in the
 * title.
 *
 * @module
 */
import { formatFigure, type Row } from "./_report.ts";

const WIDTH = 1000;
const LEFT = 330;
const RIGHT = 250;
const TOP = 78;
const ROW = 44;
const BAR = 15;
/** The axis: 1% to 1000% of target. */
const MIN = 0.01;
const MAX = 10;
const COLORS = { cold: "#9ecae1", warm: "#2171b5" };

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const x = (share: number) =>
  LEFT +
  (WIDTH - LEFT - RIGHT) * (Math.log10(Math.min(MAX, Math.max(MIN, share))) - Math.log10(MIN)) /
    (Math.log10(MAX) - Math.log10(MIN));

/**
 * How much of its target a figure reached (1 = just met).
 *
 * @param row The row.
 * @param which The cold or the warm run.
 * @returns The share, or `null` when there is no figure.
 */
export function shareOfTarget(row: Row, which: "cold" | "warm"): number | null {
  const goal = row.goal;
  if ("most" in goal) {
    const own = row.ours[which];
    return own === null ? null : goal.most / own;
  }
  const ratio = row.ratio?.[which];
  return ratio == null ? null : ratio / ("times" in goal ? goal.times : goal.percent);
}

function label(row: Row, which: "cold" | "warm"): string {
  const own = `${formatFigure(row.ours[which])} ${row.unit}`;
  const ratio = row.ratio?.[which];
  if (ratio == null) return own;
  return row.ratio!.unit === "×"
    ? `${own} (${formatFigure(ratio)}× Dask)`
    : `${own} (${formatFigure(ratio)}%)`;
}

/**
 * Draws the chart.
 *
 * @param rows The workloads' rows.
 * @param machine The machine, in one line.
 * @param date When it ran.
 * @returns The SVG document.
 */
export function chart(rows: Row[], machine: string, date: string): string {
  const height = TOP + rows.length * ROW + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">deno task bench: share of target ` +
    `reached (log scale; 100% = target met)</text>`,
    `<text x="10" y="42" fill="#444">${escape(machine)}</text>`,
    `<text x="10" y="60" fill="#444">${escape(date)}; client, server and governors in ` +
    `separate processes started with the CLI</text>`,
  ];
  const bottom = TOP + rows.length * ROW;
  for (const tick of [0.01, 0.1, 1, 10]) {
    const tx = x(tick);
    const stroke = tick === 1 ? `stroke="#d62728" stroke-width="2"` : `stroke="#ddd"`;
    out.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${bottom}" ${stroke}/>`);
    out.push(
      `<text x="${tx}" y="${bottom + 16}" text-anchor="middle" fill="#444">${tick * 100}%</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    out.push(`<text x="${LEFT - 8}" y="${y + 14}" text-anchor="end">${escape(row.title)}</text>`);
    out.push(
      `<text x="${LEFT - 8}" y="${y + 29}" text-anchor="end" fill="#666">target ` +
        `${escape(row.target)}</text>`,
    );
    (["cold", "warm"] as const).forEach((which, j) => {
      const share = shareOfTarget(row, which);
      const by = y + 2 + j * (BAR + 2);
      // Without a baseline figure there is no share: the figure alone, no bar.
      const w = share === null ? 0 : Math.max(1, x(share) - LEFT);
      const text = `${which}: ${escape(label(row, which))}${
        share === null ? " (no baseline)" : ""
      }`;
      if (row.ours[which] === null) return;
      out.push(
        `<rect x="${LEFT}" y="${by}" width="${w}" height="${BAR}" fill="${COLORS[which]}"/>`,
        `<text x="${LEFT + w + 4}" y="${by + 12}" fill="#222">${text}</text>`,
      );
    });
  });
  out.push(
    `<rect x="${WIDTH - 140}" y="${TOP - 30}" width="12" height="12" fill="${COLORS.cold}"/>`,
    `<text x="${WIDTH - 124}" y="${TOP - 20}">cold (first run)</text>`,
    `<rect x="${WIDTH - 140}" y="${TOP - 14}" width="12" height="12" fill="${COLORS.warm}"/>`,
    `<text x="${WIDTH - 124}" y="${TOP - 4}">warm (median)</text>`,
    "</svg>",
  );
  return out.join("\n") + "\n";
}
