/**
 * A built-in task as the server hands it to a governor, packed into one flat
 * array with the data of the inputs the server hands over inline. Built-in
 * tasks are most of a large graph's tasks: an array of numbers and strings
 * costs about a third of the equivalent objects to encode. Every id is in
 * the task's session, so only its number travels.
 *
 * The server builds one with {@linkcode packTask}, then
 * {@linkcode packInput} per input and {@linkcode packOutput} per output;
 * the governor reads it with {@linkcode unpackTask}.
 *
 * @module
 */
import {
  type DataType,
  type Id,
  ONE_CPU,
  type TaskInput,
  type TaskSpec,
} from "../common/attributes.ts";
import type { AssignedOutput, AssignedTask } from "./assigned_task.ts";
import { dataTypeAt } from "./attributes.ts";
import { boolAt, bytesAt, intAt, InvalidField, strAt } from "./validate.ts";

/** The fields of a {@linkcode PackedTask} before its inputs. */
export type PackedTaskHeader = [
  session: number,
  n: number,
  taskType: string,
  config: unknown,
  cpus: number,
  inputCount: number,
];

/**
 * One input's fields in a {@linkcode PackedTask}: `source` is `""` when the
 * governor has the object or gets its data here, `data` is an inline blob's
 * bytes or `null`, `contentType` the inline blob's content type.
 */
export type PackedInput = [
  n: number,
  label: string,
  source: string,
  data: Uint8Array | null,
  contentType: string,
];

/** One output's fields in a {@linkcode PackedTask}. */
export type PackedOutput = [
  n: number,
  label: string,
  contentType: string,
  dataType: DataType,
  keep: boolean,
];

/**
 * A packed built-in task: the {@linkcode PackedTaskHeader}, then the
 * {@linkcode PackedInput} fields of each input, then the
 * {@linkcode PackedOutput} fields of each output, all in one flat array.
 */
export type PackedTask = [...PackedTaskHeader, ...(PackedInput[number] | PackedOutput[number])[]];

const HEADER = 6;
const INPUT = 5;
const OUTPUT = 5;

/** An input's data handed over inside a {@linkcode PackedTask}. */
export interface InlineInput {
  /** The object's id. */
  id: Id;
  /** Its bytes (a blob). */
  data: Uint8Array;
  /** Its content type. */
  contentType: string;
}

/**
 * Starts packing a built-in task; its inputs and outputs follow.
 *
 * @param spec The task's spec.
 * @returns The packed header, to add inputs and outputs to.
 */
export function packTask(
  spec: Pick<TaskSpec, "id" | "taskType" | "config" | "resources" | "inputs">,
): PackedTask {
  return [
    spec.id[0],
    spec.id[1],
    spec.taskType,
    spec.config,
    spec.resources.cpus,
    spec.inputs.length,
  ];
}

/**
 * Adds the next input to a packed task (in the order of `spec.inputs`).
 *
 * @param p The packed task.
 * @param n The input object's number in the task's session.
 * @param label Its label at the task.
 * @param source The holder to fetch it from, or `""`.
 * @param data A blob's bytes handed over inline, or `null`.
 * @param contentType The inline blob's content type (`""` without data).
 */
export function packInput(
  p: PackedTask,
  n: number,
  label: string,
  source: string,
  data: Uint8Array | null,
  contentType: string,
): void {
  p.push(n, label, source, data, contentType);
}

/**
 * Adds the next output to a packed task, after all inputs.
 *
 * @param p The packed task.
 * @param n The output object's number in the task's session.
 * @param label Its label.
 * @param contentType Its declared content type.
 * @param dataType Its data type.
 * @param keep Whether the client keeps it.
 */
export function packOutput(
  p: PackedTask,
  n: number,
  label: string,
  contentType: string,
  dataType: DataType,
  keep: boolean,
): void {
  p.push(n, label, contentType, dataType, keep);
}

/** A built-in task unpacked, with the inputs whose data came with it. */
export interface UnpackedTask {
  /** The task. */
  task: AssignedTask;
  /** Inputs handed over inline, to store before the task runs. */
  inline: InlineInput[];
}

/**
 * Validates a packed built-in task and unpacks it.
 *
 * @param v The packed task.
 * @returns The task, and the inputs whose data came with it.
 * @throws {InvalidField} When the array is malformed, naming the index.
 */
export function unpackTask(v: unknown): UnpackedTask {
  if (!Array.isArray(v) || v.length < HEADER) throw new InvalidField("expected a packed task");
  const session = intAt(v, 0);
  const taskId: Id = [session, intAt(v, 1)];
  const taskType = strAt(v, 2);
  if (taskType === "remote") throw new InvalidField("remote tasks are not packed");
  const cpus = intAt(v, 4);
  if (cpus < 1) throw new InvalidField("cpus must be at least 1", "[4]");
  const inputCount = intAt(v, 5);
  const outputStart = HEADER + inputCount * INPUT;
  if (outputStart > v.length || (v.length - outputStart) % OUTPUT !== 0) {
    throw new InvalidField(`wrong length for ${inputCount} inputs`);
  }
  const inputs = new Array<TaskInput>(inputCount);
  const inline: InlineInput[] = [];
  let sources: string[] | undefined;
  for (let i = 0, k = HEADER; i < inputCount; i++, k += INPUT) {
    const id: Id = [session, intAt(v, k)];
    inputs[i] = { id, label: strAt(v, k + 1) };
    const source = strAt(v, k + 2);
    if (source) (sources ??= new Array<string>(inputCount).fill(""))[i] = source;
    if (v[k + 3] !== null) {
      inline.push({ id, data: bytesAt(v, k + 3), contentType: strAt(v, k + 4) });
    }
  }
  const outputCount = (v.length - outputStart) / OUTPUT;
  const outputs = new Array<AssignedOutput>(outputCount);
  const outputIds = new Array<Id>(outputCount);
  let keep: boolean[] | undefined;
  for (let i = 0, k = outputStart; i < outputCount; i++, k += OUTPUT) {
    const id: Id = [session, intAt(v, k)];
    const out: AssignedOutput = { id, label: strAt(v, k + 1) };
    const contentType = strAt(v, k + 2);
    if (contentType) out.contentType = contentType;
    const type = dataTypeAt(v, k + 3);
    if (type !== "blob") out.dataType = type;
    if (boolAt(v, k + 4)) (keep ??= new Array<boolean>(outputCount).fill(false))[i] = true;
    outputs[i] = out;
    outputIds[i] = id;
  }
  const task: AssignedTask = {
    spec: {
      id: taskId,
      taskType,
      config: v[3],
      inputs,
      outputs: outputIds,
      resources: cpus === 1 ? ONE_CPU : { cpus },
    },
    outputs,
  };
  if (sources) task.sources = sources;
  if (keep) task.keep = keep;
  return { task, inline };
}
