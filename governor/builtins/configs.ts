/**
 * Checks of the built-in tasks' configs as a governor receives them. The
 * client builds them correctly, but the server passes configs through
 * unread, so a governor checks every field before it acts: a hostile or
 * broken client gets its task failed with the field named, never a crash or
 * a file touched where it should not be.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import type {
  ExecuteConfig,
  ExecuteInput,
  ExecuteOutput,
  MakeDirectoryConfig,
  PathConfig,
  SleepConfig,
  SliceDirectoryConfig,
} from "../../protocol/task_configs.ts";
import { arr, bool, int, num, rec, str } from "../../protocol/validate.ts";
import type { BuiltinContext } from "./types.ts";

/** Longest sleep: the longest timer JavaScript runtimes keep (2^31 - 1 ms, ~24.8 days). */
export const MAX_SLEEP_SECONDS = (2 ** 31 - 1) / 1000;

/** Runs `check` on the config, naming the task type in its error. */
function checked<T>(ctx: BuiltinContext, check: (c: Record<string, unknown>) => T): T {
  const type = ctx.task.spec.taskType;
  try {
    return check(rec(ctx.task.spec.config, "config"));
  } catch (e) {
    throw new Error(`Invalid ${type} config: ${(e as Error).message}`);
  }
}

/**
 * The config of a `sleep` task.
 *
 * @param ctx The task's context.
 * @returns The config.
 * @throws {Error} When `seconds` is not a number from 0 to {@linkcode MAX_SLEEP_SECONDS}.
 */
export function sleepConfig(ctx: BuiltinContext): SleepConfig {
  return checked(ctx, (c) => {
    const seconds = num(c.seconds, "config.seconds");
    if (seconds < 0 || seconds > MAX_SLEEP_SECONDS) {
      throw new RangeError(`config.seconds: ${seconds} is not from 0 to ${MAX_SLEEP_SECONDS}`);
    }
    return { seconds };
  });
}

/**
 * The config of a `load`, `loadDir` or `store` task.
 *
 * @param ctx The task's context.
 * @returns The config.
 * @throws {Error} When `path` is not an absolute path.
 */
export function pathConfig(ctx: BuiltinContext): PathConfig {
  return checked(ctx, (c) => {
    const path = str(c.path, "config.path");
    if (!isAbsolute(path) || path.includes("\0")) {
      throw new Error(`config.path: "${path}" is not an absolute path`);
    }
    return { path };
  });
}

/**
 * The config of an `execute` task: one input mapping per input, one output
 * source per output, `stdin` an input's index or -1.
 *
 * @param ctx The task's context.
 * @returns The config.
 * @throws {Error} Naming the first wrong field.
 */
export function executeConfig(ctx: BuiltinContext): ExecuteConfig {
  const task = ctx.task;
  return checked(ctx, (c) => {
    const args = arr(c.args, "config.args", str);
    const shell = bool(c.shell, "config.shell");
    const inputs = arr(c.inputs, "config.inputs", (x, w): ExecuteInput => {
      const r = rec(x, w);
      return { path: str(r.path, `${w}.path`), write: bool(r.write, `${w}.write`) };
    });
    const outputs = arr(c.outputs, "config.outputs", (x, w): ExecuteOutput => {
      const r = rec(x, w);
      if (r.stdout === true) return { stdout: true };
      return { path: str(r.path, `${w}.path`) };
    });
    if (inputs.length !== task.spec.inputs.length) {
      throw new Error(`config.inputs: ${inputs.length} for ${task.spec.inputs.length} inputs`);
    }
    if (outputs.length !== task.outputs.length) {
      throw new Error(`config.outputs: ${outputs.length} for ${task.outputs.length} outputs`);
    }
    const stdin = c.stdin === -1 ? -1 : int(c.stdin, "config.stdin");
    if (stdin >= inputs.length) throw new Error(`config.stdin: no input ${stdin}`);
    return { args, shell, inputs, outputs, stdin };
  });
}

/**
 * The config of a `makeDirectory` task.
 *
 * @param ctx The task's context.
 * @returns The config.
 * @throws {Error} When `paths` is not one string per input.
 */
export function makeDirectoryConfig(ctx: BuiltinContext): MakeDirectoryConfig {
  return checked(ctx, (c) => {
    const paths = arr(c.paths, "config.paths", str);
    if (paths.length !== ctx.task.spec.inputs.length) {
      throw new Error(`config.paths: ${paths.length} for ${ctx.task.spec.inputs.length} inputs`);
    }
    return { paths };
  });
}

/**
 * The config of a `sliceDirectory` task.
 *
 * @param ctx The task's context.
 * @returns The config.
 * @throws {Error} When `path` is not a string.
 */
export function sliceDirectoryConfig(ctx: BuiltinContext): SliceDirectoryConfig {
  return checked(ctx, (c) => ({ path: str(c.path, "config.path") }));
}
