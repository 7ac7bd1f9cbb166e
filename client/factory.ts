/**
 * What every task factory shares: common options, turning arguments into
 * input objects with data-type checks, and creating the task with its
 * outputs in the active session.
 *
 * @module
 */
import type { DataType } from "../common/attributes.ts";
import { checkContentType } from "../common/content_type.ts";
import { DataObject } from "./data_object.ts";
import { LabeledList } from "./labeled_list.ts";
import { activeSession } from "./session_stack.ts";
import { Task } from "./task.ts";
import { sessionInternal } from "./_session_internal.ts";

/** Options every task factory takes. */
export interface TaskOptions {
  /** Hierarchical name (`"group/sub"`) shown in the dashboard. */
  name?: string;
  /** Cpus the task needs. @default {1} */
  cpus?: number;
  /** Arbitrary JSON-serialisable values stored in `spec.user`. */
  user?: Record<string, unknown>;
}

/** A data object, or a task with exactly one output standing for it. */
export type DataLike = DataObject | Task;

/** An output to create: label, content type and data type. */
export interface OutputDef {
  /** The output's label. */
  label: string;
  /** Declared content type. */
  contentType: string;
  /** Data type. */
  dataType: DataType;
}

/** An input: the object and its label at the task. */
export interface InputDef {
  /** The object. */
  object: DataObject;
  /** Its label at the task. */
  label: string;
}

/**
 * Turns a task argument into a data object, checking its data type.
 *
 * @param value A data object or one-output task.
 * @param what The argument, for errors (e.g. `concat input 2`).
 * @param dataType The required data type, if any.
 * @returns The object.
 * @throws {TypeError} When the value is no data object or has the wrong data type.
 */
export function toObject(value: unknown, what: string, dataType?: DataType): DataObject {
  const o = value instanceof Task ? value.output : value;
  if (!(o instanceof DataObject)) {
    throw new TypeError(`${capitalise(what)} must be a data object or a task with one output`);
  }
  if (dataType && o.spec.dataType !== dataType) {
    throw new TypeError(
      `${
        capitalise(what)
      } is ${o.description}, a ${o.spec.dataType}, but a ${dataType} is required`,
    );
  }
  return o;
}

/**
 * Checks the common task options.
 *
 * @param opts The options.
 * @throws {TypeError} For a bad name, cpus or user value.
 */
export function checkTaskOptions(opts: TaskOptions): void {
  if (opts.name !== undefined && typeof opts.name !== "string") {
    throw new TypeError("Task name must be a string");
  }
  if (opts.cpus !== undefined && (!Number.isInteger(opts.cpus) || opts.cpus < 1)) {
    throw new TypeError(`Task cpus must be a positive integer, got ${opts.cpus}`);
  }
  if (opts.user !== undefined && (typeof opts.user !== "object" || opts.user === null)) {
    throw new TypeError("Task user attributes must be an object");
  }
}

/**
 * Creates a task and its outputs in the active session.
 *
 * @param taskType The task type (factory name).
 * @param config Task-type specific configuration.
 * @param inputs The inputs with labels.
 * @param outputs The outputs to create.
 * @param opts Common options.
 * @returns The task.
 */
export function createTask(
  taskType: string,
  config: unknown,
  inputs: InputDef[],
  outputs: OutputDef[],
  opts: TaskOptions = {},
): Task {
  checkTaskOptions(opts);
  const session = activeSession();
  for (const i of inputs) {
    if (i.object.session !== session) {
      throw new Error(
        `Cannot use ${i.object.description} in ${taskType}: it belongs to another session`,
      );
    }
    // A constant stays usable: the server holds its data while the session lives.
    if (i.object.state !== "unsubmitted" && !i.object.isKept() && i.object.producer !== null) {
      throw new Error(
        `Cannot use ${i.object.description} in ${taskType}: it was submitted without keep(), ` +
          "so a later submit cannot use it",
      );
    }
  }
  for (const o of outputs) checkContentType(o.contentType);
  const n = sessionInternal.nextNumber(session);
  const task = new Task(session, {
    id: [session.id, n],
    taskType,
    config,
    inputs: inputs.map((i) => ({ id: i.object.spec.id, label: i.label })),
    outputs: [],
    resources: { cpus: opts.cpus ?? 1 },
    user: { ...opts.user },
    name: opts.name ?? "",
  }, inputs.map((i) => i.object));
  const objects = outputs.map((o) =>
    new DataObject(session, {
      id: [session.id, sessionInternal.nextNumber(session)],
      label: o.label,
      contentType: o.contentType,
      dataType: o.dataType,
      user: {},
    }, task)
  );
  task.spec.outputs = objects.map((o) => o.spec.id);
  task.outputs = new LabeledList(objects, outputs.map((o) => o.label));
  sessionInternal.addTask(session, task);
  for (const o of objects) sessionInternal.addObject(session, o);
  return task;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
