/**
 * Small validators for wire messages. Each returns its input typed, or throws
 * a {@linkcode ProtocolError} naming the field that is wrong.
 *
 * @module
 */
import { ProtocolError } from "../common/errors.ts";
import type {
  DataType,
  Id,
  ObjectInfo,
  ObjectSpec,
  TaskInfo,
  TaskInput,
  TaskSpec,
} from "../common/attributes.ts";

/** A plain record as it comes off the wire. */
export type Rec = Record<string, unknown>;

/**
 * Checks that a value is a plain object.
 *
 * @param v The value.
 * @param what Name of the field, for the error.
 * @returns The value as a record.
 */
export function rec(v: unknown, what: string): Rec {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new ProtocolError(`${what}: expected an object`);
  }
  return v as Rec;
}

/**
 * Checks that a value is a string.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The string.
 */
export function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new ProtocolError(`${what}: expected a string`);
  return v;
}

/**
 * Checks that a value is a finite number.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The number.
 */
export function num(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ProtocolError(`${what}: expected a number`);
  }
  return v;
}

/**
 * Checks that a value is a non-negative safe integer.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The integer.
 */
export function int(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new ProtocolError(`${what}: expected a non-negative integer`);
  }
  return v;
}

/**
 * Checks that a value is a boolean.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The boolean.
 */
export function bool(v: unknown, what: string): boolean {
  if (typeof v !== "boolean") throw new ProtocolError(`${what}: expected a boolean`);
  return v;
}

/**
 * Checks that a value is a byte string.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The bytes.
 */
export function bytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new ProtocolError(`${what}: expected bytes`);
  return v;
}

/**
 * Checks that a value is an array and validates each item.
 *
 * @param v The value.
 * @param what Name of the field.
 * @param item Validator for one item.
 * @returns The validated array.
 */
export function arr<T>(v: unknown, what: string, item: (x: unknown, what: string) => T): T[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what}: expected an array`);
  for (let i = 0; i < v.length; i++) item(v[i], `${what}[${i}]`);
  return v as T[];
}

/**
 * Checks that a value is an array and converts each item.
 *
 * @param v The value.
 * @param what Name of the field.
 * @param item Validator and converter of one item.
 * @returns The converted items.
 */
export function mapArr<T>(v: unknown, what: string, item: (x: unknown, what: string) => T): T[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what}: expected an array`);
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i], `${what}[${i}]`);
  return out;
}

/**
 * Checks an optional field: `undefined` passes, anything else is validated.
 *
 * @param v The value.
 * @param what Name of the field.
 * @param check Validator for a present value.
 * @returns The value or `undefined`.
 */
export function opt<T>(
  v: unknown,
  what: string,
  check: (x: unknown, what: string) => T,
): T | undefined {
  return v === undefined ? undefined : check(v, what);
}

/**
 * Checks an id `[session, n]`.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The id.
 */
export function id(v: unknown, what: string): Id {
  if (!Array.isArray(v) || v.length !== 2) throw new ProtocolError(`${what}: expected an id`);
  int(v[0], what);
  int(v[1], what);
  return v as Id;
}

/**
 * Checks a `user` attribute dictionary.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The dictionary.
 */
export function user(v: unknown, what: string): Record<string, unknown> {
  return rec(v, what);
}

/**
 * Checks a data type, `"blob"` or `"dir"`.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The data type.
 */
export function dataType(v: unknown, what: string): DataType {
  if (v !== "blob" && v !== "dir") throw new ProtocolError(`${what}: expected "blob" or "dir"`);
  return v;
}

/**
 * Checks one task input `{ id, label }`.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The input.
 */
export function taskInput(v: unknown, what: string): TaskInput {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  str(r.label, `${what}.label`);
  return r as unknown as TaskInput;
}

/**
 * Checks a task spec.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The spec.
 */
export function taskSpec(v: unknown, what: string): TaskSpec {
  const r = taskSpecCore(v, what);
  user(r.user, `${what}.user`);
  str(r.name, `${what}.name`);
  return r as unknown as TaskSpec;
}

/**
 * Checks the fields every task spec has on the wire (all but `user` and
 * `name`, which the governor protocol sends only for remote tasks).
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The spec as a record, for checking the remaining fields.
 */
export function taskSpecCore(v: unknown, what: string): Rec {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  str(r.taskType, `${what}.taskType`);
  arr(r.inputs, `${what}.inputs`, taskInput);
  arr(r.outputs, `${what}.outputs`, id);
  const res = rec(r.resources, `${what}.resources`);
  const cpus = int(res.cpus, `${what}.resources.cpus`);
  if (cpus < 1) throw new ProtocolError(`${what}.resources.cpus: must be at least 1`);
  return r;
}

/**
 * Checks an object spec.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The spec.
 */
export function objectSpec(v: unknown, what: string): ObjectSpec {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  str(r.label, `${what}.label`);
  str(r.contentType, `${what}.contentType`);
  dataType(r.dataType, `${what}.dataType`);
  user(r.user, `${what}.user`);
  return r as unknown as ObjectSpec;
}

/**
 * Checks a task info.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The info.
 */
export function taskInfo(v: unknown, what: string): TaskInfo {
  const r = rec(v, what);
  str(r.error, `${what}.error`);
  num(r.startTime, `${what}.startTime`);
  num(r.duration, `${what}.duration`);
  str(r.governor, `${what}.governor`);
  str(r.debug, `${what}.debug`);
  user(r.user, `${what}.user`);
  return r as unknown as TaskInfo;
}

/**
 * Checks an object info.
 *
 * @param v The value.
 * @param what Name of the field.
 * @returns The info.
 */
export function objectInfo(v: unknown, what: string): ObjectInfo {
  const r = rec(v, what);
  str(r.error, `${what}.error`);
  int(r.size, `${what}.size`);
  str(r.contentType, `${what}.contentType`);
  str(r.hash, `${what}.hash`);
  str(r.debug, `${what}.debug`);
  user(r.user, `${what}.user`);
  return r as unknown as ObjectInfo;
}
