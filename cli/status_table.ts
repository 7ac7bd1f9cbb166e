/**
 * `rain status`'s tables: the governors and the sessions of a server, as
 * `GET /api/cluster` describes them, in aligned columns.
 *
 * @module
 */
import type { GovernorSummary } from "../server/monitor/monitor.ts";
import type { SessionSummary } from "../server/monitor/session_record.ts";

/** What `GET /api/cluster` answers (the parts `rain status` prints). */
export interface ClusterStatus {
  /** Every governor seen, connected or lost. */
  governors: GovernorSummary[];
  /** Open sessions and the closed ones still retained. */
  sessions: SessionSummary[];
}

/**
 * Formats a byte count (`1.5 MiB`).
 *
 * @param n Bytes.
 * @returns The text.
 */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i > 0 && n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * Formats a duration (`850 ms`, `12.3 s`, `4 min 05 s`).
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function clock(t: number): string {
  if (!t) return "-";
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, "0"))
    .join(":");
}

/** Lays out rows in columns two spaces apart; numeric columns align right. */
function table(header: string[], rows: string[][], right: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)).join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * The state a session is shown in: an open one with unfinished tasks is running.
 *
 * @param s The session.
 * @returns Its state.
 */
export function shownState(s: SessionSummary): string {
  const c = s.counts;
  return s.state === "open" && c.waiting + c.ready + c.running > 0 ? "running" : s.state;
}

/**
 * Formats the governors and sessions as two tables; a failed session's error
 * follows its row.
 *
 * @example
 * ```ts ignore
 * console.log(formatStatus(await (await fetch(`http://${server}/api/cluster`)).json(), Date.now()));
 * ```
 *
 * @param status The server's state.
 * @param now The current time (for the durations of open sessions).
 * @returns The text, lines ending in `\n`.
 */
export function formatStatus(status: ClusterStatus, now: number): string {
  const out: string[] = [];
  const live = status.governors.filter((g) => !g.lost);
  out.push(`Governors: ${live.length} connected, ${status.governors.length - live.length} lost`);
  if (status.governors.length > 0) {
    out.push(
      ...table(
        [
          "GOVERNOR",
          "CPUS",
          "RUNNING",
          "FINISHED",
          "OBJECTS",
          "STORED",
          "MEMORY",
          "JOINED",
          "STATUS",
        ],
        status.governors.map((g) => [
          g.id,
          `${Math.min(g.used, g.cpus)}/${g.cpus}`,
          String(g.tasks),
          String(g.finished),
          String(g.objects),
          formatBytes(g.bytes),
          g.memory ? formatBytes(g.memory) : "-",
          clock(g.joined),
          g.lost ? `lost ${clock(g.lost)}: ${g.reason}` : "connected",
        ]),
        new Set([1, 2, 3, 4, 5, 6]),
      ).map((l) => `  ${l}`),
    );
  }
  out.push("", `Sessions: ${status.sessions.length}`);
  if (status.sessions.length > 0) {
    const sessions = [...status.sessions].sort((a, b) => b.id - a.id);
    const rows = table(
      [
        "ID",
        "NAME",
        "CLIENT",
        "STATE",
        "WAITING",
        "READY",
        "RUNNING",
        "FINISHED",
        "FAILED",
        "STARTED",
        "DURATION",
      ],
      sessions.map((s) => [
        String(s.id),
        s.name || "-",
        s.client || "-",
        shownState(s),
        String(s.counts.waiting),
        String(s.counts.ready),
        String(s.counts.running),
        String(s.counts.finished),
        String(s.counts.failed),
        clock(s.opened),
        formatDuration((s.ended || s.finished || now) - s.opened),
      ]),
      new Set([0, 4, 5, 6, 7, 8, 10]),
    );
    out.push(`  ${rows[0]}`);
    sessions.forEach((s, i) => {
      out.push(`  ${rows[i + 1]}`);
      if (s.error) out.push(...s.error.split("\n").map((l) => `      ${l}`));
    });
  }
  return out.join("\n") + "\n";
}
