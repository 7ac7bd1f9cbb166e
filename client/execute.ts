/**
 * `tasks.execute`: runs an external program in a fresh working directory,
 * with data objects mapped in as files and files mapped out as outputs.
 *
 * @module
 */
import { splitCommand } from "../common/shlex.ts";
import type { ExecuteConfig, ExecuteInput, ExecuteOutput } from "../protocol/task_configs.ts";
import { DataObject } from "./data_object.ts";
import {
  checkTaskOptions,
  createTask,
  type DataLike,
  type InputDef,
  type OutputDef,
  type TaskOptions,
  toObject,
} from "./factory.ts";
import { Input, InputDir, Output } from "./io.ts";
import { Task } from "./task.ts";

/** Options of {@linkcode execute} (and of `program`). */
export interface ExecuteOptions extends TaskOptions {
  /** Run the command with `sh -c` instead of splitting it into words. @default {false} */
  shell?: boolean;
  /** Files (or directories) the program creates that become outputs; a string is label and path. */
  outputPaths?: readonly (string | Output)[];
  /** Data objects mapped into the working directory without appearing in the arguments. */
  inputPaths?: readonly Input[];
  /**
   * A blob fed to the program's standard input (an `Input` to choose its label).
   * In `program()`, a string names a call-time input, as `new Input(label)` does.
   */
  stdin?: DataLike | Input | string;
  /** Make the standard output an output: `true` (label `"stdout"`), a label, or an `Output` without path. */
  stdout?: boolean | string | Output;
}

/** An argument of {@linkcode execute}: a word, a data object mapped to a file, or an input or output. */
export type ExecuteArg = string | DataLike | Input | Output;

/**
 * Where an input of the planned task comes from: a fixed object (execute) or
 * the call-time input with that label (program).
 */
export interface PlannedInput {
  /** The label at the task. */
  label: string;
  /** The input as given (with its data type, content type and data object). */
  input: Input;
}

/** A session-independent description of an execute task (internal, shared with `program`). */
export interface ExecutePlan {
  /** The task config. */
  config: ExecuteConfig;
  /** One entry per task input, in order. */
  inputs: PlannedInput[];
  /** One entry per task output, in order. */
  outputs: OutputDef[];
  /** The common task options. */
  taskOptions: TaskOptions;
}

/**
 * Runs an external program. The program runs in a fresh temporary working
 * directory; inputs are mapped into it read-only (unless `write`), and
 * output files are taken from it when the program exits with status 0.
 *
 * Outputs are ordered: stdout first, then `outputPaths`, then the `Output`s
 * among the args. A data object among the args is mapped to a random file
 * name and is the input labelled `arg<i>` (`i` its index in the args).
 *
 * @example Run a program over a data object
 * ```ts ignore
 * const t = tasks.execute(["grep", "rain", data], { stdout: true });
 * const u = tasks.execute(["tee", new Output("output1")], { stdout: "output2", stdin: data });
 * tasks.execute("sleep 1 && sleep 1", { shell: true });
 * ```
 *
 * @param args The command line: a string split into words like a shell does
 *   (no shell runs), or an array of words, data objects, `Input`s and `Output`s.
 * @param opts Outputs, inputs, stdin, stdout, shell and common options.
 * @returns The task.
 * @throws {TypeError} For bad arguments: an unknown kind of argument, an
 *   `Input` without data object or with one of the wrong data type, a stdout
 *   `Output` with a path, duplicate output labels or paths.
 */
export function execute(args: string | readonly ExecuteArg[], opts: ExecuteOptions = {}): Task {
  const plan = planExecute(args, opts, "execute");
  return createExecuteTask(
    plan,
    plan.inputs.map((i) => ({ object: i.input.dataobj!, label: i.label })),
  );
}

/**
 * Creates the task of a plan with its input objects (internal, shared with `program`).
 *
 * @param plan The plan.
 * @param inputs One object per planned input.
 * @param taskOptions Options overriding the plan's.
 * @returns The task.
 */
export function createExecuteTask(
  plan: ExecutePlan,
  inputs: InputDef[],
  taskOptions?: TaskOptions,
): Task {
  const config: ExecuteConfig = structuredClone(plan.config);
  return createTask("execute", config, inputs, plan.outputs, {
    ...plan.taskOptions,
    ...taskOptions,
  });
}

/**
 * Checks the arguments of `execute` or `program` and describes the task
 * without creating it (internal, shared with `program`).
 *
 * @param args The command line.
 * @param opts The options.
 * @param mode `"execute"` (inputs carry their objects) or `"program"` (inputs
 *   are bound at call time).
 * @returns The plan.
 */
export function planExecute(
  args: string | readonly ExecuteArg[],
  opts: ExecuteOptions,
  mode: "execute" | "program",
): ExecutePlan {
  const fn = `${mode}()`;
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`${fn} options must be an object`);
  }
  for (const key of Object.keys(opts)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`${fn} has no option "${key}"`);
  }
  checkTaskOptions(opts);
  const shell = opts.shell ?? false;
  if (typeof shell !== "boolean") throw new TypeError(`${fn} option shell must be a boolean`);
  const inputs: PlannedInput[] = [];
  const execInputs: ExecuteInput[] = [];
  const outputs: Output[] = [];
  const execOutputs: ExecuteOutput[] = [];
  let stdinIndex = -1;

  const addInput = (input: Input, label: string, path: string) => {
    if (mode === "execute" && input.dataobj === undefined) {
      throw new TypeError(`${fn} input "${label}" has no data object: give it { dataobj }`);
    }
    if (mode === "program" && input.dataobj !== undefined) {
      throw new TypeError(
        `${fn} input "${label}" has a data object: program inputs are bound when it is called`,
      );
    }
    if (input.load) {
      throw new TypeError(
        `${fn} input "${label}" has { load: true }, which only remote functions take`,
      );
    }
    const previous = execInputs.findIndex((x) => x.path === path);
    if (previous >= 0) {
      throw new TypeError(
        `${fn} maps inputs "${inputs[previous]!.label}" and "${label}" to the same path "${path}"`,
      );
    }
    inputs.push({ label, input });
    execInputs.push({ path, write: input.write });
  };
  const addOutput = (output: Output, source: ExecuteOutput) => {
    if (output.encode !== undefined) {
      throw new TypeError(
        `${fn} output ${describe(output)} has { encode }, which only remote functions take`,
      );
    }
    outputs.push(output);
    execOutputs.push(source);
  };

  // stdin
  if (opts.stdin !== undefined && opts.stdin !== null) {
    const input = opts.stdin instanceof Input
      ? opts.stdin
      : typeof opts.stdin === "string"
      ? stdinLabel(opts.stdin, fn, mode)
      : dataInput(opts.stdin, "stdin", mode);
    if (input.dataType !== "blob") {
      throw new TypeError(`${fn} stdin must be a blob, not an InputDir`);
    }
    stdinIndex = inputs.length;
    addInput(input, input.label ?? "stdin", input.explicitPath ?? randomName("stdin"));
  }

  // stdout
  const stdout = opts.stdout;
  if (stdout !== undefined && stdout !== false) {
    let output: Output;
    if (stdout === true) output = new Output("stdout");
    else if (typeof stdout === "string") output = new Output(stdout);
    else if (stdout instanceof Output) output = stdout;
    else throw new TypeError(`${fn} option stdout must be true, a label or an Output`);
    if (output.dataType !== "blob") throw new TypeError(`${fn} stdout cannot be an OutputDir`);
    if (output.explicitPath !== undefined) {
      const path = output.explicitPath;
      throw new TypeError(
        `${fn} stdout ${describe(output)} has the path "${path}": stdout has none`,
      );
    }
    addOutput(output.label === undefined ? new Output("stdout", outputOptions(output)) : output, {
      stdout: true,
    });
  }

  // outputPaths
  for (const [i, x] of listOption(opts.outputPaths, "outputPaths", fn).entries()) {
    const output = typeof x === "string" ? new Output(x) : x;
    if (!(output instanceof Output)) {
      throw new TypeError(`${fn} outputPaths[${i}] must be a string or an Output`);
    }
    addOutput(output, { path: output.path ?? String(outputs.length) });
  }

  // inputPaths
  for (const [i, x] of listOption(opts.inputPaths, "inputPaths", fn).entries()) {
    if (!(x instanceof Input)) {
      throw new TypeError(`${fn} inputPaths[${i}] must be an Input or InputDir`);
    }
    const label = x.label ?? x.path;
    if (label === undefined) throw new TypeError(`${fn} inputPaths[${i}] needs a label or a path`);
    addInput(x, label, x.path ?? label);
  }

  // args
  const words = typeof args === "string" ? (shell ? [args] : splitCommand(args)) : args;
  if (!Array.isArray(words)) {
    throw new TypeError(`${fn} takes a command string or an array of arguments`);
  }
  const argv: string[] = [];
  const quote = shell && typeof args !== "string" ? shellQuote : (s: string) => s;
  for (const [i, a] of words.entries()) {
    if (typeof a === "string") {
      argv.push(a);
    } else if (a instanceof Output) {
      const path = a.path ?? String(outputs.length);
      addOutput(a, { path });
      argv.push(quote(path));
    } else if (a instanceof Input) {
      const path = a.path ?? randomName(`arg${i}`);
      addInput(a, a.label ?? `arg${i}`, path);
      argv.push(quote(path));
    } else if (a instanceof DataObject || a instanceof Task) {
      const path = randomName(`arg${i}`);
      addInput(dataInput(a, `arg${i}`, mode), `arg${i}`, path);
      argv.push(quote(path));
    } else {
      throw new TypeError(
        `${fn} argument ${i} must be a string, a data object, a one-output task, an Input or an Output, got ${
          a === null ? "null" : typeof a
        }`,
      );
    }
  }
  if (argv.length === 0 || (shell && argv.join(" ").trim() === "")) {
    throw new TypeError(`${fn} needs a command: the arguments are empty`);
  }

  // Output labels and paths
  const labels = outputs.map((o, i) => o.label ?? String(i));
  checkUnique(labels, (l) => `${fn} has two outputs labelled "${l}"`);
  checkUnique(
    execOutputs.flatMap((o) => "path" in o ? [o.path] : []),
    (p) => `${fn} has two outputs with the path "${p}"`,
  );

  return {
    config: {
      args: shell ? [argv.join(" ")] : argv,
      shell,
      inputs: execInputs,
      outputs: execOutputs,
      stdin: stdinIndex,
    },
    inputs,
    outputs: outputs.map((o, i) => ({
      label: labels[i]!,
      contentType: o.contentType ?? "",
      dataType: o.dataType,
    })),
    taskOptions: pickTaskOptions(opts),
  };
}

const OPTION_NAMES = new Set([
  "name",
  "cpus",
  "user",
  "shell",
  "outputPaths",
  "inputPaths",
  "stdin",
  "stdout",
]);

/** Picks the common task options out of the execute options. */
export function pickTaskOptions(opts: TaskOptions): TaskOptions {
  const out: TaskOptions = {};
  if (opts.name !== undefined) out.name = opts.name;
  if (opts.cpus !== undefined) out.cpus = opts.cpus;
  if (opts.user !== undefined) out.user = opts.user;
  return out;
}

/** `stdin: "label"`: in a program, the call-time input of that label (Rain's `Program(stdin="label")`). */
function stdinLabel(label: string, fn: string, mode: "execute" | "program"): Input {
  if (mode === "execute") {
    throw new TypeError(
      `${fn} stdin is the string "${label}": give a data object (a label names stdin only in program())`,
    );
  }
  return new Input(label);
}

/** Wraps a plain data object (or one-output task) given as an argument or as stdin. */
function dataInput(value: unknown, what: string, mode: "execute" | "program"): Input {
  if (mode === "program") {
    throw new TypeError(
      `program() ${what} is a data object: a program takes Inputs without data, bound when it is called`,
    );
  }
  const object = toObject(value, `execute() ${what}`);
  return object.spec.dataType === "dir"
    ? new InputDir(what, { dataobj: object })
    : new Input(what, { dataobj: object });
}

function listOption<T>(value: readonly T[] | undefined, name: string, fn: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${fn} option ${name} must be an array`);
  return value;
}

function outputOptions(o: Output): { contentType?: string; sizeHint?: number } {
  return {
    ...(o.contentType === undefined ? {} : { contentType: o.contentType }),
    ...(o.sizeHint === undefined ? {} : { sizeHint: o.sizeHint }),
  };
}

function describe(o: Output): string {
  return o.label === undefined ? "(unlabelled)" : `"${o.label}"`;
}

function checkUnique(values: readonly string[], message: (v: string) => string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new TypeError(message(v));
    seen.add(v);
  }
}

/**
 * A random file name: `<prefix>-<8 hex digits>`.
 *
 * @param prefix The prefix (e.g. `arg3`).
 * @returns The name.
 */
export function randomName(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Quotes a mapped path for `sh` when it has characters the shell would interpret. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
