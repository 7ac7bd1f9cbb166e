/**
 * A session's timeline as Chrome trace-event JSON (the format Perfetto and
 * `chrome://tracing` open): one complete (`"ph": "X"`) event per task that
 * ran, a process per governor and a thread per cpu slot, named by metadata
 * events.
 *
 * @module
 */
import { formatId } from "../../common/attributes.ts";
import type { Monitor } from "./monitor.ts";
import { layout } from "./timeline.ts";
import { FAILED, FINISHED, type SessionRecord } from "./session_record.ts";

/**
 * Writes a session's trace as JSON text, in chunks (a large session's trace
 * is tens of megabytes).
 *
 * @example Save a trace
 * ```ts ignore
 * const text = [...traceChunks(record, monitor)].join("");
 * ```
 *
 * @param s The session.
 * @param monitor The monitor.
 * @yields Pieces of the JSON document.
 */
export function* traceChunks(s: SessionRecord, monitor: Monitor): Generator<string> {
  const l = layout(s, monitor);
  const pids = new Map<string, number>();
  yield `{"displayTimeUnit":"ms","otherData":${
    JSON.stringify({ session: s.id, name: s.name, start: l.start })
  },"traceEvents":[`;
  let first = true;
  const sep = () => first ? (first = false, "") : ",";
  for (const row of l.rows) {
    let pid = pids.get(row.governor);
    if (pid === undefined) {
      pids.set(row.governor, pid = pids.size + 1);
      const args = { name: `governor ${row.governor}` };
      yield `${sep()}{"name":"process_name","ph":"M","pid":${pid},"args":${JSON.stringify(args)}}`;
    }
    yield `${sep()}{"name":"thread_name","ph":"M","pid":${pid},"tid":${
      row.slot + 1
    },"args":{"name":"cpu ${row.slot + 1}"}}`;
  }
  let batch: string[] = [];
  for (let i = 0; i < l.tasks.length; i++) {
    const n = l.tasks[i]!;
    const state = s.taskState[n]!;
    if (state !== FINISHED && state !== FAILED) continue;
    const row = l.rows[l.row[i]!]!;
    const spec = s.specs.task(n)!;
    const path = s.groups.path(s.groups.top(s.group[n]!));
    const args: Record<string, string> = { task: formatId(spec.id), type: spec.taskType };
    if (state === FAILED) args.error = s.errors.get(n) ?? "";
    const event = {
      name: spec.name || spec.taskType,
      cat: path,
      ph: "X",
      ts: (s.start[n]! - l.start) * 1000,
      dur: s.duration[n]! * 1000,
      pid: pids.get(row.governor)!,
      tid: row.slot + 1,
      args,
    };
    batch.push(sep() + JSON.stringify(event));
    if (batch.length === 1000) {
      yield batch.join("");
      batch = [];
    }
  }
  yield batch.join("") + "]}";
}
