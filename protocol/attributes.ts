/**
 * Validators of the task and object attributes (`common/attributes.ts`):
 * those types are part of the public API, so they stay interfaces there and
 * each validator here is bound to its interface with `objectOf` (a field
 * added to one and not the other does not compile).
 *
 * @module
 */
import type {
  DataType,
  Id,
  ObjectInfo,
  ObjectSpec,
  TaskInfo,
  TaskInput,
  TaskSpec,
} from "../common/attributes.ts";
import {
  anything,
  array,
  int,
  InvalidField,
  literal,
  num,
  objectOf,
  optional,
  record,
  refine,
  shallow,
  str,
  type Validator,
} from "./validate.ts";

/** Checks an id `[session, n]`. */
export const id: Validator<Id> = (v) => {
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidField("expected an id");
  int(v[0]);
  int(v[1]);
  return v as Id; // an array of two integers
};

/** Checks a `user` attribute dictionary (any JSON-like values). */
export const user: Validator<Record<string, unknown>> = (v) => {
  shallow(v);
  return record(v);
};

/** Checks a data type, `"blob"` or `"dir"`. */
export const dataType: Validator<DataType> = literal("blob", "dir");

/**
 * Reads a data type at an index of a packed array (see `strAt` in
 * `validate.ts` for why a reader per type).
 *
 * @param v The array.
 * @param k The index.
 * @returns The data type.
 * @throws {InvalidField} Naming the index.
 */
export function dataTypeAt(v: readonly unknown[], k: number): DataType {
  const x = v[k];
  if (x === "blob" || x === "dir") return x;
  throw new InvalidField('expected "blob" or "dir"', `[${k}]`);
}

/** Checks a task's cpus: at least one. */
export const cpus: Validator<number> = refine(int, (n) => n >= 1, "must be at least 1");

/** Checks one task input `{ id, label }`. */
export const taskInput: Validator<TaskInput> = objectOf<TaskInput>({ id, label: str });

/** Checks the fields every task spec has, as the governor protocol sends them. */
export const taskSpecCore = {
  id,
  taskType: str,
  config: anything,
  inputs: array(taskInput),
  outputs: array(id),
  resources: objectOf<TaskSpec["resources"]>({ cpus }),
};

/** Checks a full task spec. */
export const taskSpec: Validator<TaskSpec> = objectOf<TaskSpec>({
  ...taskSpecCore,
  user,
  name: str,
});

/** Checks an object spec. */
export const objectSpec: Validator<ObjectSpec> = objectOf<ObjectSpec>({
  id,
  label: str,
  contentType: str,
  dataType,
  user,
});

/** Checks a task info. */
export const taskInfo: Validator<TaskInfo> = objectOf<TaskInfo>({
  error: str,
  startTime: num,
  duration: num,
  governor: str,
  debug: str,
  user,
});

/** Checks an object info. */
export const objectInfo: Validator<ObjectInfo> = objectOf<ObjectInfo>({
  error: str,
  size: int,
  contentType: str,
  hash: str,
  debug: str,
  user,
  governor: optional(str),
});
