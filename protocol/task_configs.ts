/**
 * The `config` of each built-in task type, as the client builds it and the
 * governor reads it. Paths are relative to the task's working directory
 * (execute) or to the directory object (makeDirectory, sliceDirectory), and
 * have been checked with `checkRelativePath` by the client; the governor
 * checks them again.
 *
 * @module
 */

/** `sleep`: forwards its single input after `seconds`. */
export interface SleepConfig {
  /** The delay in seconds. */
  seconds: number;
}

/** `load`, `loadDir`, `store`: an absolute path on the governor. */
export interface PathConfig {
  /** Absolute path on the governor's file system. */
  path: string;
}

/** `execute`: how to run the program and map objects to files. */
export interface ExecuteConfig {
  /** The command line, placeholders already replaced by the mapped paths. */
  args: string[];
  /** Run `sh -c` with the args joined by spaces. */
  shell: boolean;
  /** Per task input (same order as `spec.inputs`): where to map it. */
  inputs: ExecuteInput[];
  /** Per task output (same order as `spec.outputs`): where it comes from. */
  outputs: ExecuteOutput[];
  /** Index of the input fed to stdin, or -1. */
  stdin: number;
}

/** How one input of an `execute` task is mapped into its working directory. */
export interface ExecuteInput {
  /** Relative path in the working directory. */
  path: string;
  /** Give a writable private copy instead of a read-only link. */
  write: boolean;
}

/** Where one output of an `execute` task comes from. */
export type ExecuteOutput =
  | { stdout: true }
  | { path: string };

/** `makeDirectory`: one relative path per task input. */
export interface MakeDirectoryConfig {
  /** Relative path of each input in the new directory (same order as the inputs). */
  paths: string[];
}

/** `sliceDirectory`: a path inside the input directory; a trailing `/` selects a directory. */
export interface SliceDirectoryConfig {
  /** Relative path inside the input dir. */
  path: string;
}
