/**
 * The server's log lines (what `rain start` and `rain server` print), made
 * from the event stream at three levels:
 *
 * - `quiet`: failed sessions and lost governors;
 * - `normal` (default): also sessions opened, finished and closed, and
 *   governors joining;
 * - `verbose`: every event, one line each (several lines per task: for
 *   debugging small runs).
 *
 * Each line starts with the event's time in ISO 8601 (UTC).
 *
 * @module
 */
import type { Monitor } from "../monitor/monitor.ts";
import type { EventLog } from "./event_log.ts";
import type { RainEvent } from "./event_map.ts";

/** How much the server logs. */
export type LogLevel = "quiet" | "normal" | "verbose";

/** The log levels, quietest first. */
export const LOG_LEVELS: readonly LogLevel[] = ["quiet", "normal", "verbose"];

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(0)} s`;
}

/** Events with a line of their own below `verbose`. */
const NOTABLE = new Set<string>([
  "governor:lost",
  "session:failed",
  "governor:joined",
  "session:opened",
  "session:finished",
  "session:closed",
]);

function sessionName(monitor: Monitor, id: number): string {
  const s = monitor.sessions.get(id);
  return s?.name ? `session ${id} "${s.name}"` : `session ${id}`;
}

function sessionCounts(monitor: Monitor, id: number, time: number): string {
  const s = monitor.sessions.get(id);
  if (!s) return "";
  const c = s.groups.counts(0);
  return `${c.finished} of ${s.taskCount} tasks finished, ${c.failed} failed, ${
    seconds(time - s.opened)
  }`;
}

/**
 * Formats one event as a log line at a level.
 *
 * @param e The event.
 * @param time When it happened.
 * @param level The log level.
 * @param monitor The monitor, for session names and counts (updated with `e` already).
 * @returns The line, or `null` when the level leaves it out.
 */
export function formatLogLine(
  e: RainEvent,
  time: number,
  level: LogLevel,
  monitor: Monitor,
): string | null {
  // Most events (several per task) have no line below verbose: leave at once.
  if (level !== "verbose" && !NOTABLE.has(e.type)) return null;
  const quiet = level === "quiet";
  let line: string | null = null;
  switch (e.type) {
    case "governor:lost":
      line = `governor ${e.governor} lost: ${e.reason}`;
      break;
    case "session:failed":
      line = `${sessionName(monitor, e.session)} failed: ${e.error.replaceAll("\n", "\n    ")}`;
      break;
    case "governor:joined":
      if (!quiet) line = `governor ${e.governor} joined with ${e.cpus} cpus`;
      break;
    case "session:opened":
      if (!quiet) line = `${sessionName(monitor, e.session)} opened by ${e.client || "a client"}`;
      break;
    case "session:finished":
    case "session:closed":
      if (!quiet) {
        const what = e.type === "session:finished" ? "finished" : "closed";
        line = `${sessionName(monitor, e.session)} ${what}: ${
          sessionCounts(monitor, e.session, time)
        }`;
      }
      break;
    default:
      line = verboseLine(e);
  }
  return line === null ? null : `${new Date(time).toISOString()} ${line}`;
}

function verboseLine(e: RainEvent): string {
  if (e.type === "session:submitted") {
    return `session ${e.session} submitted ${e.tasks.length} tasks, ${e.objects.length} objects`;
  }
  const fields = Object.entries(e)
    .filter(([k, v]) => k !== "type" && v !== "" && !(typeof v === "object"))
    .map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : v}`);
  return `${e.type} ${fields.join(" ")}`;
}

/**
 * Writes the log lines of every later event at a level.
 *
 * @example Log to stderr
 * ```ts ignore
 * attachLogLines(events, monitor, "normal", (line) => console.error(line));
 * ```
 *
 * @param events The event stream.
 * @param monitor The monitor following the same stream (attached before).
 * @param level The log level.
 * @param write Receives each line.
 * @returns A function that stops logging.
 */
export function attachLogLines(
  events: EventLog,
  monitor: Monitor,
  level: LogLevel,
  write: (line: string) => void,
): () => void {
  return events.on((e, time) => {
    const line = formatLogLine(e, time, level, monitor);
    if (line !== null) write(line);
  });
}
