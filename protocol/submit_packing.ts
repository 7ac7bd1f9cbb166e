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
import { ProtocolError } from "../common/errors.ts";
import type { SubmitObject } from "./client.ts";
import { bool, bytes, dataType, int, str, user } from "./validate.ts";

/**
 * A task spec in a submit:
 * `[n, taskType, config, cpus, name, user, inputCount, ...inputs, ...outputs]`,
 * each input as `n, label`, each output as `n`; `user` is `null` when empty.
 */
export type PackedTaskSpec = unknown[];

/**
 * An object in a submit:
 * `[n, label, contentType, dataType, user, keep, data, hash]`; `user` is
 * `null` when empty, `data` and `hash` (the content hash) are `null` except
 * for constants.
 */
export type PackedObject = unknown[];

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
 * @param what Name of the field, for errors.
 * @returns The spec (an empty `user` and 1-cpu resources are shared values).
 * @throws {ProtocolError} When the array is malformed.
 */
export function unpackTaskSpec(v: unknown, session: number, what: string): TaskSpec {
  if (!Array.isArray(v) || v.length < TASK_HEADER) {
    throw new ProtocolError(`${what}: expected a packed task spec`);
  }
  const cpus = int(v[3], `${what}[3]`);
  if (cpus < 1) throw new ProtocolError(`${what}[3]: cpus must be at least 1`);
  const inputCount = int(v[6], `${what}[6]`);
  const outputStart = TASK_HEADER + 2 * inputCount;
  if (outputStart > v.length) {
    throw new ProtocolError(`${what}: too short for ${inputCount} inputs`);
  }
  const inputs = new Array<TaskInput>(inputCount);
  for (let i = 0, k = TASK_HEADER; i < inputCount; i++, k += 2) {
    inputs[i] = {
      id: [session, int(v[k], `${what}[${k}]`)],
      label: str(v[k + 1], `${what}[${k + 1}]`),
    };
  }
  const outputs = new Array<Id>(v.length - outputStart);
  for (let k = outputStart; k < v.length; k++) {
    outputs[k - outputStart] = [session, int(v[k], `${what}[${k}]`)];
  }
  return {
    id: [session, int(v[0], `${what}[0]`)],
    taskType: str(v[1], `${what}[1]`),
    config: v[2],
    inputs,
    outputs,
    resources: cpus === 1 ? ONE_CPU : { cpus },
    name: str(v[4], `${what}[4]`),
    user: v[5] === null ? NO_USER : user(v[5], `${what}[5]`),
  };
}

/**
 * Validates and unpacks an object of a submit.
 *
 * @param v The packed object.
 * @param session The submit's session.
 * @param what Name of the field, for errors.
 * @returns The object (an empty `user` is a shared value).
 * @throws {ProtocolError} When the array is malformed.
 */
export function unpackSubmitObject(v: unknown, session: number, what: string): SubmitObject {
  if (!Array.isArray(v) || v.length !== OBJECT_FIELDS) {
    throw new ProtocolError(`${what}: expected a packed object`);
  }
  const spec: ObjectSpec = {
    id: [session, int(v[0], `${what}[0]`)],
    label: str(v[1], `${what}[1]`),
    contentType: str(v[2], `${what}[2]`),
    dataType: dataType(v[3], `${what}[3]`) as DataType,
    user: v[4] === null ? NO_USER : user(v[4], `${what}[4]`),
  };
  const o: SubmitObject = { spec, keep: bool(v[5], `${what}[5]`) };
  if (v[6] !== null) o.data = bytes(v[6], `${what}[6]`);
  if (v[7] !== null) o.hash = str(v[7], `${what}[7]`);
  return o;
}
