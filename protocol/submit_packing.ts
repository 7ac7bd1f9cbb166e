/**
 * The packed form of a submit's tasks and objects: one flat array each. A
 * submit can carry tens of thousands of them, and arrays of numbers and
 * strings cost the client about a third of the equivalent objects to encode
 * and the server far fewer allocations to decode. Every id in a submit is in
 * the submit's session, so only its number travels.
 *
 * @module
 */
import {
  type DataType,
  type Id,
  isEmptyRecord,
  NO_USER,
  type ObjectSpec,
  ONE_CPU,
  type TaskInput,
  type TaskSpec,
} from "../common/attributes.ts";
import type { SubmitObject } from "./client.ts";
import { dataTypeAt, user } from "./attributes.ts";
import { at, boolAt, bytesAt, intAt, InvalidField, shallow, strAt } from "./validate.ts";

/** The fields of a {@linkcode PackedTaskSpec} before its inputs; `user` is `null` when empty. */
export type PackedTaskSpecHeader = [
  n: number,
  taskType: string,
  config: unknown,
  cpus: number,
  name: string,
  user: Record<string, unknown> | null,
  inputCount: number,
];

/** One input's fields in a {@linkcode PackedTaskSpec}. */
export type PackedTaskSpecInput = [n: number, label: string];

/**
 * A task spec in a submit: the {@linkcode PackedTaskSpecHeader}, then the
 * {@linkcode PackedTaskSpecInput} fields of each input, then each output's
 * number, in one flat array.
 */
export type PackedTaskSpec = [...PackedTaskSpecHeader, ...(number | string)[]];

/**
 * An object in a submit; `user` is `null` when empty, `data` and `hash` (the
 * content hash) are `null` except for constants (a constant sent by
 * reference has a `hash` and no `data`).
 */
export type PackedObject = [
  n: number,
  label: string,
  contentType: string,
  dataType: DataType,
  user: Record<string, unknown> | null,
  keep: boolean,
  data: Uint8Array | null,
  hash: string | null,
];

/** Fields of a {@linkcode PackedTaskSpec} before its inputs. */
const TASK_HEADER = 7;

/** Fields of a {@linkcode PackedObject}. */
const OBJECT_FIELDS = 8;

/**
 * Packs a task spec for a submit.
 *
 * @param spec The spec.
 * @returns The packed spec.
 * @throws {Error} When an input or output is in another session.
 */
export function packTaskSpec(spec: TaskSpec): PackedTaskSpec {
  const session = spec.id[0];
  const p: PackedTaskSpec = [
    spec.id[1],
    spec.taskType,
    spec.config,
    spec.resources.cpus,
    spec.name,
    isEmptyRecord(spec.user) ? null : spec.user,
    spec.inputs.length,
  ];
  for (const i of spec.inputs) {
    if (i.id[0] !== session) throw new Error(`Input ${i.id.join("/")} is in another session`);
    p.push(i.id[1], i.label);
  }
  for (const o of spec.outputs) {
    if (o[0] !== session) throw new Error(`Output ${o.join("/")} is in another session`);
    p.push(o[1]);
  }
  return p;
}

/**
 * Packs an object for a submit.
 *
 * @param spec The object's spec.
 * @param keep Whether the client keeps it.
 * @param data A constant's data, else `null`.
 * @param hash A constant's content hash, else `null`.
 * @returns The packed object.
 */
export function packSubmitObject(
  spec: ObjectSpec,
  keep: boolean,
  data: Uint8Array | null,
  hash: string | null = null,
): PackedObject {
  return [
    spec.id[1],
    spec.label,
    spec.contentType,
    spec.dataType,
    isEmptyRecord(spec.user) ? null : spec.user,
    keep,
    data,
    hash,
  ];
}

/**
 * Validates and unpacks a task spec of a submit.
 *
 * @param v The packed spec.
 * @param session The submit's session.
 * @returns The spec (an empty `user` and 1-cpu resources are shared values).
 * @throws {InvalidField} When the array is malformed.
 */
export function unpackTaskSpec(v: unknown, session: number): TaskSpec {
  if (!Array.isArray(v) || v.length < TASK_HEADER) {
    throw new InvalidField("expected a packed task spec");
  }
  const cpus = intAt(v, 3);
  if (cpus < 1) throw new InvalidField("cpus must be at least 1", "[3]");
  const inputCount = intAt(v, 6);
  const outputStart = TASK_HEADER + 2 * inputCount;
  if (outputStart > v.length) throw new InvalidField(`too short for ${inputCount} inputs`);
  const inputs = new Array<TaskInput>(inputCount);
  for (let i = 0, k = TASK_HEADER; i < inputCount; i++, k += 2) {
    inputs[i] = { id: [session, intAt(v, k)], label: strAt(v, k + 1) };
  }
  const outputs = new Array<Id>(v.length - outputStart);
  for (let k = outputStart; k < v.length; k++) {
    outputs[k - outputStart] = [session, intAt(v, k)];
  }
  return {
    id: [session, intAt(v, 0)],
    taskType: strAt(v, 1),
    config: at(v, 2, shallow),
    inputs,
    outputs,
    resources: cpus === 1 ? ONE_CPU : { cpus },
    name: strAt(v, 4),
    user: v[5] === null ? NO_USER : at(v, 5, user),
  };
}

/**
 * Validates and unpacks an object of a submit.
 *
 * @param v The packed object.
 * @param session The submit's session.
 * @returns The object (an empty `user` is a shared value).
 * @throws {InvalidField} When the array is malformed.
 */
export function unpackSubmitObject(v: unknown, session: number): SubmitObject {
  if (!Array.isArray(v) || v.length !== OBJECT_FIELDS) {
    throw new InvalidField("expected a packed object");
  }
  const spec: ObjectSpec = {
    id: [session, intAt(v, 0)],
    label: strAt(v, 1),
    contentType: strAt(v, 2),
    dataType: dataTypeAt(v, 3),
    user: v[4] === null ? NO_USER : at(v, 4, user),
  };
  const o: SubmitObject = { spec, keep: boolAt(v, 5) };
  if (v[6] !== null) o.data = bytesAt(v, 6);
  if (v[7] !== null) o.hash = strAt(v, 7);
  return o;
}
