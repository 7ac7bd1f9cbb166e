/**
 * A task as the server hands it to a governor: the spec without what only
 * remote functions need, the outputs' specs with default fields left out,
 * where each input comes from and which outputs the client keeps. Built-in
 * tasks travel packed (`packed_task.ts`), remote ones as `assign` messages
 * (`governor.ts`); both arrive as an {@linkcode AssignedTask}.
 *
 * @module
 */
import type { DataType, Id, ObjectSpec, TaskSpec } from "../common/attributes.ts";
import { dataType, id, objectSpec, taskSpecCore, user } from "./attributes.ts";
import { array, bool, object, objectOf, optional, str, type Validator } from "./validate.ts";

/**
 * A task spec as a governor gets it: `user` and `name` are only sent for
 * remote tasks (whose executor hands the full spec to user code).
 */
export type AssignedSpec =
  & Omit<TaskSpec, "user" | "name">
  & Partial<Pick<TaskSpec, "user" | "name">>;

/**
 * An output's spec as a governor gets it: `contentType` is absent when `""`,
 * `dataType` when `"blob"`, `user` except for remote tasks.
 */
export interface AssignedOutput {
  /** Object id. */
  id: Id;
  /** Label at the producing task. */
  label: string;
  /** Declared content type; absent means `""`. */
  contentType?: string;
  /** Data type; absent means `"blob"`. */
  dataType?: DataType;
  /** The spec's `user` (remote tasks only). */
  user?: Record<string, unknown>;
}

/** A task as the server hands it to a governor. */
export interface AssignedTask {
  /** The task's spec (full for remote tasks). */
  spec: AssignedSpec;
  /** Specs of the task's outputs, in order (full `ObjectSpec`s for remote tasks). */
  outputs: AssignedOutput[];
  /**
   * Per input: `""` when the governor has (or is sent) it, else the holder's
   * `host:port`. Absent when every input is here.
   */
  sources?: string[];
  /**
   * Per output: whether the client keeps it (small kept outputs are reported
   * with their data). Absent when none is kept.
   */
  keep?: boolean[];
  /** Specs of the task's input objects, in order (remote tasks only). */
  inputs?: ObjectSpec[];
}

const assignedSpec = objectOf<AssignedSpec>({
  ...taskSpecCore,
  user: optional(user),
  name: optional(str),
});

const assignedOutput = objectOf<AssignedOutput>({
  id,
  label: str,
  contentType: optional(str),
  dataType: optional(dataType),
  user: optional(user),
});

const assignedFields = objectOf<AssignedTask>({
  spec: assignedSpec,
  outputs: array(assignedOutput),
  sources: optional(array(str)),
  keep: optional(array(bool)),
  inputs: optional(array(objectSpec)),
});

/** What a remote task's executor hands to user code, and must therefore be complete. */
const remoteParts = object({ spec: object({ user, name: str }), outputs: array(objectSpec) });

/**
 * Checks a task of an `assign` message: a remote task's spec and output
 * specs must be complete.
 *
 * @param v The value.
 * @returns The task.
 * @throws {InvalidField} Naming the field that is wrong.
 */
export const assignedTask: Validator<AssignedTask> = (v) => {
  const task = assignedFields(v);
  if (task.spec.taskType === "remote") remoteParts(task);
  return task;
};
