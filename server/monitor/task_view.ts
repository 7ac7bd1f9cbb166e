/**
 * Tasks as the task inspector shows them: a short row per task in a group
 * listing, and everything known of one task when it is opened.
 *
 * @module
 */
import type { Monitor } from "./monitor.ts";
import { type ObjectView, type SessionRecord, TASK_STATE } from "./session_record.ts";

/** A task in a group listing. */
export interface TaskRow {
  /** Session-local number. */
  id: number;
  /** Its name (`""` when unnamed). */
  name: string;
  /** Task type. */
  taskType: string;
  /** `waiting`, `ready`, `assigned`, `running`, `finished` or `failed`. */
  state: string;
  /** The governor it runs or ran on (`""` when none). */
  governor: string;
  /** Start, epoch ms (0 when it has not started). */
  start: number;
  /** Duration in ms (0 until it ended). */
  duration: number;
  /** First line of its error (`""` unless failed). */
  error: string;
}

/** Everything the inspector shows of one task. */
export interface TaskDetail extends TaskRow {
  /** Session id. */
  session: number;
  /** Its full error text (a program's stderr tail included). */
  errorText: string;
  /** Its debug log. */
  debug: string;
  /** Task-type specific configuration. */
  config: unknown;
  /** Requested cpus. */
  cpus: number;
  /** The spec's user attributes. */
  user: Record<string, unknown>;
  /** User attributes the task set when it ran. */
  infoUser: Record<string, unknown>;
  /** Inputs, with their label at this task. */
  inputs: (ObjectView & { inputLabel: string })[];
  /** Outputs. */
  outputs: ObjectView[];
}

/**
 * The row of a task.
 *
 * @param s The session.
 * @param monitor The monitor (for governor names).
 * @param n The task.
 * @returns Its row.
 */
export function taskRow(s: SessionRecord, monitor: Monitor, n: number): TaskRow {
  const spec = s.specs.task(n)!;
  const error = s.errors.get(n) ?? "";
  return {
    id: n,
    name: spec.name,
    taskType: spec.taskType,
    state: TASK_STATE[s.taskState[n]!]!,
    governor: monitor.governorAt(s.governor[n]!)?.id ?? "",
    start: s.start[n]!,
    duration: s.duration[n]!,
    error: error.split("\n", 1)[0]!,
  };
}

/**
 * Everything known of a task.
 *
 * @param s The session.
 * @param monitor The monitor.
 * @param n The task.
 * @returns The detail, or `null` when the session has no such task.
 */
export function taskDetail(s: SessionRecord, monitor: Monitor, n: number): TaskDetail | null {
  const spec = s.specs.task(n);
  if (!spec) return null;
  const info = s.infos.get(n);
  const missing = (id: number): ObjectView => ({
    id,
    label: "",
    state: "unknown",
    size: 0,
    contentType: "",
    dataType: "blob",
    keep: false,
    user: {},
  });
  return {
    ...taskRow(s, monitor, n),
    session: s.id,
    errorText: s.errors.get(n) ?? "",
    debug: info?.debug ?? "",
    config: spec.config,
    cpus: spec.resources.cpus,
    user: spec.user,
    infoUser: info?.user ?? {},
    inputs: spec.inputs.map((input) => ({
      ...(s.object(input.id[1]) ?? missing(input.id[1])),
      inputLabel: input.label,
    })),
    outputs: spec.outputs.map((id) => s.object(id[1]) ?? missing(id[1])),
  };
}
