/**
 * The contract of a built-in task running inside the governor.
 *
 * @module
 */
import type { DataType } from "../../common/attributes.ts";
import type { AssignedTask } from "../../protocol/assigned_task.ts";
import type { Validator } from "../../protocol/validate.ts";
import type { GovernorResources } from "../resources.ts";
import type { StoredObject } from "../store.ts";

/** What a built-in gets to run one task. */
export interface BuiltinContext<C = unknown> {
  /** The task as assigned by the server. */
  task: AssignedTask;
  /** The task's config, checked by the built-in's validator. */
  config: C;
  /** The input objects in order, all present in the store. */
  inputs: StoredObject[];
  /** Aborted when the task's session stops. */
  signal: AbortSignal;
  /** Task-info extras the built-in may set; reported whether the task finishes or fails. */
  info: { debug: string; user: Record<string, unknown> };
  /** The governor's store, executors, task directories, limits and address. */
  resources: GovernorResources;
}

/**
 * One output produced by a built-in: fresh bytes, an object to forward, or a
 * file/directory to copy (or, with `move`, to move) into the store.
 */
export type BuiltinOutput =
  & (
    | { data: Uint8Array; contentType?: string }
    | { forward: StoredObject }
    | { file: string; dataType?: DataType; move?: boolean; contentType?: string }
  )
  & { /** The new object's `info.user`. */ user?: Record<string, unknown> };

/** A built-in task type: how to check its config, and how to run a task; may finish synchronously. */
export interface Builtin<C = unknown> {
  /** Checks a task's config (`protocol/task_configs.ts`); its result is `ctx.config`. */
  config: Validator<C>;
  /**
   * Checks a valid config against the task (e.g. one entry per input),
   * throwing an error that starts with the field (`config.stdin: ...`).
   */
  fits?(config: C, task: AssignedTask): void;
  /**
   * Runs one task.
   *
   * @param ctx The task, its checked config, its inputs and the governor's parts.
   * @returns One output per task output, in order.
   */
  run(ctx: BuiltinContext<C>): BuiltinOutput[] | Promise<BuiltinOutput[]>;
}

/**
 * The single input of a built-in that takes exactly one.
 *
 * @param ctx The task's context.
 * @returns The input.
 * @throws {Error} When the task has another number of inputs.
 */
export function onlyInput(ctx: BuiltinContext<unknown>): StoredObject {
  const only = ctx.inputs.length === 1 ? ctx.inputs[0] : undefined;
  if (!only) throw new Error(`${ctx.task.spec.taskType} takes one input, got ${ctx.inputs.length}`);
  return only;
}
