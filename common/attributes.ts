/**
 * Task and data-object attributes (`spec` and `info`), shared by the client,
 * server, governor and executor.
 *
 * @module
 */

/** A task or object id: `[sessionId, n]`, final once submitted. */
export type Id = [session: number, n: number];

/** The two data types of a data object. */
export type DataType = "blob" | "dir";

/** The resources a task asks for. */
export interface Resources {
  /** Number of cpus the task occupies while it runs. */
  cpus: number;
}

/** One input of a task: the object id and its label at the task. */
export interface TaskInput {
  /** Id of the input object. */
  id: Id;
  /** Label (role) of the input at the task. */
  label: string;
}

/** The user-created specification of a task; immutable once submitted. */
export interface TaskSpec {
  /** Task id. */
  id: Id;
  /** The factory's name, e.g. `"concat"`. */
  taskType: string;
  /** Task-type specific configuration. */
  config: unknown;
  /** Inputs in order. */
  inputs: TaskInput[];
  /** Ids of the output objects in order. */
  outputs: Id[];
  /** Requested resources. */
  resources: Resources;
  /** Arbitrary JSON-serialisable values. */
  user: Record<string, unknown>;
  /** The task's hierarchical name (`"group/sub"`), `""` when unnamed. */
  name: string;
}

/** Information about a task's run, filled by the governor and executor. */
export interface TaskInfo {
  /** Error message; non-empty means the task failed. */
  error: string;
  /** Start time, epoch milliseconds (0 when not started). */
  startTime: number;
  /** Duration in milliseconds. */
  duration: number;
  /** The governor (`"host:port"`) that ran the task. */
  governor: string;
  /** Debug log. */
  debug: string;
  /** Arbitrary JSON-serialisable values. */
  user: Record<string, unknown>;
}

/** The user-created specification of a data object; immutable once submitted. */
export interface ObjectSpec {
  /** Object id. */
  id: Id;
  /** Label (role) of the object at its producing task. */
  label: string;
  /** Declared content type (`""` is raw). */
  contentType: string;
  /** `"blob"` or `"dir"`. */
  dataType: DataType;
  /** Arbitrary JSON-serialisable values. */
  user: Record<string, unknown>;
}

/** Information about a computed data object. */
export interface ObjectInfo {
  /** Error message; non-empty means the object could not be made. */
  error: string;
  /** Size in bytes (approximate for directories). */
  size: number;
  /** Content type given at run time (a sub-type of the declared one). */
  contentType: string;
  /**
   * Content hash, `"xxh128:"` and 32 hex digits: the XXH3-128 of a blob's
   * bytes or of a directory's manifest (README, "Content hashes"); `""` until
   * the object exists.
   */
  hash: string;
  /** Debug log. */
  debug: string;
  /** Arbitrary JSON-serialisable values. */
  user: Record<string, unknown>;
  /** A governor (`"host:port"`) holding the object, as of the last refresh (`""` when none). */
  governor?: string;
}

/** States of a task as seen by the client. */
export type TaskState = "unsubmitted" | "submitted" | "running" | "finished" | "failed";

/** States of a data object as seen by the client. */
export type ObjectState = "unsubmitted" | "submitted" | "finished" | "failed" | "removed";

/**
 * The `user` of specs and infos that have none, where the server shares one
 * value (it never changes a `user` or `resources` in place); frozen.
 */
export const NO_USER: Record<string, unknown> = Object.freeze({});

/**
 * Whether a `user` record (or any plain record) has no keys.
 *
 * @param r The record.
 * @returns `true` when it is empty.
 */
export function isEmptyRecord(r: Record<string, unknown>): boolean {
  for (const _ in r) return false;
  return true;
}

/** The resources of a 1-cpu task, shared like {@linkcode NO_USER}; frozen. */
export const ONE_CPU: { cpus: number } = Object.freeze({ cpus: 1 });

/**
 * Makes an empty object info.
 *
 * @returns A fresh {@linkcode ObjectInfo}.
 */
export function emptyObjectInfo(): ObjectInfo {
  return { error: "", size: 0, contentType: "", hash: "", debug: "", user: {} };
}

/**
 * Formats an id for messages, e.g. `"3/17"`.
 *
 * @param id The id to format.
 * @returns The id as `"session/n"`.
 */
export function formatId(id: Id): string {
  return `${id[0]}/${id[1]}`;
}
