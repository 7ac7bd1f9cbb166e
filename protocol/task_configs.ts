/**
 * The `config` of each built-in task type, as the client builds it and the
 * governor checks it before running the task; each type is inferred from
 * its validator. Paths are relative to the task's working directory
 * (execute) or to the directory object (makeDirectory, sliceDirectory), and
 * have been checked with `checkRelativePath` by the client; the governor
 * checks them again. The `remote` task's config is in `remote_config.ts`.
 *
 * @module
 */
import {
  array,
  bool,
  type Infer,
  nil,
  num,
  object,
  record,
  refine,
  str,
  type Validator,
} from "./validate.ts";

/** `concat` has no config. */
export const concatConfig: Validator<null> = nil;

/** Longest sleep: the longest timer JavaScript runtimes keep (2^31 - 1 ms, ~24.8 days). */
export const MAX_SLEEP_SECONDS = (2 ** 31 - 1) / 1000;

/** Checks a `sleep` config: forwards its single input after `seconds`. */
export const sleepConfig = object({
  /** The delay in seconds. */
  seconds: refine(
    refine(num, (s) => s >= 0, "must not be negative"),
    (s) => s <= MAX_SLEEP_SECONDS,
    `must be at most ${MAX_SLEEP_SECONDS} (the longest timer)`,
  ),
});

/** `sleep`: forwards its single input after `seconds`. */
export type SleepConfig = Infer<typeof sleepConfig>;

/** Checks a `load`, `loadDir` or `store` config: an absolute path on the governor. */
export const pathConfig = object({
  /** Absolute path on the governor's file system. */
  path: refine(str, (p) => p.startsWith("/") && !p.includes("\0"), "must be an absolute path"),
});

/** `load`, `loadDir`, `store`: an absolute path on the governor. */
export type PathConfig = Infer<typeof pathConfig>;

const executeInput = object({
  /** Relative path in the working directory. */
  path: str,
  /** Give a writable private copy instead of a read-only link. */
  write: bool,
});

/** How one input of an `execute` task is mapped into its working directory. */
export type ExecuteInput = Infer<typeof executeInput>;

const stdoutOutput = object({ stdout: refine(bool, (b) => b, "must be true") });
const pathOutput = object({ path: str });

/** Where one output of an `execute` task comes from: the program's stdout or a file it wrote. */
export type ExecuteOutput = { stdout: true } | Infer<typeof pathOutput>;

const executeOutput: Validator<ExecuteOutput> = (v) => {
  const r = record(v);
  if (!("stdout" in r)) return pathOutput(r);
  stdoutOutput(r);
  return { stdout: true };
};

/** Checks an `execute` config. */
export const executeConfig = object({
  /** The command line, placeholders already replaced by the mapped paths. */
  args: array(str),
  /** Run `sh -c` with the args joined by spaces. */
  shell: bool,
  /** Per task input (same order as `spec.inputs`): where to map it. */
  inputs: array(executeInput),
  /** Per task output (same order as `spec.outputs`): where it comes from. */
  outputs: array(executeOutput),
  /** Index of the input fed to stdin, or -1. */
  stdin: refine(num, (n) => Number.isInteger(n) && n >= -1, "expected an input index or -1"),
});

/** `execute`: how to run the program and map objects to files. */
export type ExecuteConfig = Infer<typeof executeConfig>;

/** Checks a `makeDirectory` config. */
export const makeDirectoryConfig = object({
  /** Relative path of each input in the new directory (same order as the inputs). */
  paths: array(str),
});

/** `makeDirectory`: one relative path per task input. */
export type MakeDirectoryConfig = Infer<typeof makeDirectoryConfig>;

/** Checks a `sliceDirectory` config. */
export const sliceDirectoryConfig = object({
  /** Relative path inside the input dir; a trailing `/` selects a directory. */
  path: str,
});

/** `sliceDirectory`: a path inside the input directory; a trailing `/` selects a directory. */
export type SliceDirectoryConfig = Infer<typeof sliceDirectoryConfig>;
