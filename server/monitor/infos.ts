/**
 * The infos of tasks and objects that a session's graph archived (see
 * `archive.ts`), as `update()` and `wait()` report them, read from the
 * monitor's record of the session, which keeps what happened to every task.
 *
 * @module
 */
import { NO_USER, type ObjectInfo, type TaskInfo } from "../../common/attributes.ts";
import type { Monitor } from "./monitor.ts";

/**
 * The info of an archived (finished) task.
 *
 * @param monitor The monitor.
 * @param session The task's session (open, so the monitor has its record).
 * @param n The task's number.
 * @returns Its info, as the governor reported it.
 */
export function archivedTaskInfo(monitor: Monitor, session: number, n: number): TaskInfo {
  const s = monitor.sessions.get(session)!;
  const extra = s.infos.get(n);
  return {
    error: "",
    startTime: s.start[n]!,
    duration: s.duration[n]!,
    governor: monitor.governorAt(s.governor[n]!)?.id ?? "",
    debug: extra?.debug ?? "",
    user: extra?.user ?? NO_USER,
  };
}

/**
 * The info of an archived (freed) object; the graph archives only objects
 * without a debug log or user values. Its content hash is not kept (`""`).
 *
 * @param monitor The monitor.
 * @param session The object's session (open).
 * @param n The object's number.
 * @returns Its info.
 */
export function archivedObjectInfo(monitor: Monitor, session: number, n: number): ObjectInfo {
  const s = monitor.sessions.get(session)!;
  return {
    error: "",
    size: s.size[n]!,
    contentType: s.contentTypes.get(n) ?? s.specs.contentType(n),
    // Not kept for archived objects: their data is gone, and a hash each would cost more than
    // the rest of the record.
    hash: "",
    debug: "",
    user: NO_USER,
  };
}
