/**
 * `program()`: a reusable pattern of `tasks.execute`, called with the data
 * objects for its `Input`s.
 *
 * @module
 */
import {
  createExecuteTask,
  type ExecuteArg,
  type ExecuteOptions,
  pickTaskOptions,
  planExecute,
} from "./execute.ts";
import type { ExecutePlan } from "./execute.ts";
import { checkTaskOptions, type DataLike, type TaskOptions } from "./factory.ts";
import type { Task } from "./task.ts";

/** A program made by {@linkcode program}: call it with data objects keyed by input label. */
export interface Program {
  /**
   * Creates an execute task in the active session.
   *
   * @param inputs One data object (or one-output task) per input label.
   * @returns The task.
   * @throws {TypeError} For an unknown or missing label, or an object of the wrong data type.
   */
  (inputs?: Record<string, DataLike>): Task;
  /**
   * The same program with other common options for the tasks it makes.
   *
   * @param opts Name, cpus and user attributes (merged over the current ones).
   * @returns A new callable.
   */
  with(opts: TaskOptions): Program;
  /** The labels of the inputs the program takes, in task-input order. */
  readonly inputLabels: readonly string[];
}

/**
 * Makes a program: the arguments of `tasks.execute`, with `Input`s that have
 * no data object. Calling it binds data objects to the inputs by label and
 * creates an execute task in the active session.
 *
 * An unlabelled `Input` among the args is labelled `arg<i>`, a `stdin` Input
 * without label `"stdin"`, and one in `inputPaths` by its path.
 *
 * @example A grep program
 * ```ts ignore
 * const rainGrep = program(["grep", "rain", new Input("my_input", { path: "my_file" })], { stdout: true });
 * const task = rainGrep({ my_input: data });
 * rainGrep.with({ name: "grep/rain" })({ my_input: data });
 * ```
 *
 * @param args The command line, as for `tasks.execute`.
 * @param opts The options of `tasks.execute`.
 * @returns The callable program.
 * @throws {TypeError} For the errors `tasks.execute` reports, and for data
 *   objects among the args, stdin or inputs (they are bound at call time).
 */
export function program(args: string | readonly ExecuteArg[], opts: ExecuteOptions = {}): Program {
  return makeProgram(planExecute(args, opts, "program"), {});
}

function makeProgram(plan: ExecutePlan, overrides: TaskOptions): Program {
  const labels = [...new Set(plan.inputs.map((i) => i.label))];
  const call = (inputs: Record<string, DataLike> = {}): Task => {
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
      throw new TypeError("A program takes one object: its inputs keyed by label");
    }
    const given = Object.keys(inputs);
    const unknown = given.filter((l) => !labels.includes(l));
    if (unknown.length > 0) {
      throw new TypeError(
        `Unknown program ${plural(unknown.length, "input")} ${quoteAll(unknown)}: ` +
          (labels.length === 0 ? "the program takes no inputs" : `it takes ${quoteAll(labels)}`),
      );
    }
    const missing = labels.filter((l) => !given.includes(l) || inputs[l] === undefined);
    if (missing.length > 0) {
      throw new TypeError(
        `Missing program ${plural(missing.length, "input")} ${quoteAll(missing)}`,
      );
    }
    const defs = plan.inputs.map((p) => ({
      object: p.input.withData(inputs[p.label]!, p.label).dataobj!,
      label: p.label,
    }));
    return createExecuteTask(plan, defs, overrides);
  };
  const withOptions = (opts: TaskOptions): Program => {
    if (typeof opts !== "object" || opts === null) {
      throw new TypeError("with() takes an options object");
    }
    for (const key of Object.keys(opts)) {
      if (key !== "name" && key !== "cpus" && key !== "user") {
        throw new TypeError(`with() takes name, cpus and user, not "${key}"`);
      }
    }
    checkTaskOptions(opts);
    return makeProgram(plan, { ...overrides, ...pickTaskOptions(opts) });
  };
  return Object.assign(call, { with: withOptions, inputLabels: Object.freeze(labels) });
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function quoteAll(labels: readonly string[]): string {
  return labels.map((l) => `"${l}"`).join(", ");
}
