/**
 * The options of the governors a command starts, shared by `rain governor`
 * and `rain start`.
 *
 * @module
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { GovernorOptions } from "../governor/mod.ts";
import { option, type OptionValues, repeatable, UsageError } from "./command.ts";
import { nonNegativeInteger, positiveInteger } from "./values.ts";

/** Most executors a governor starts ahead by default (each holds about 80 MB resident). */
const PRESTARTED_EXECUTORS = 4;

/** Options of every governor a command starts. */
export const GOVERNOR_OPTIONS = {
  cpus: option("N", "cpus of each governor (default: the machine's)", positiveInteger),
  "work-dir": option(
    "DIR",
    "governor work directory (default: a fresh temporary one, removed at exit)",
    workDirectory,
  ),
  "executor-memory": option(
    "MB",
    "heap limit of each remote-function executor",
    positiveInteger,
  ),
  executors: option(
    "N",
    `remote-function executor processes each governor starts at once, ready for the first ` +
      `remote tasks (default: its cpus, at most ${PRESTARTED_EXECUTORS}; 0: none until needed)`,
    nonNegativeInteger,
  ),
  "fs-root": repeatable(
    "DIR",
    "load/loadDir/store only inside DIR (default: anywhere)",
    existingDirectory,
  ),
};

/**
 * The governor options given on the command line.
 *
 * @param values The checked values.
 * @returns Options for `startGovernor`.
 */
export function governorOptions(
  values: OptionValues<typeof GOVERNOR_OPTIONS>,
): Pick<GovernorOptions, "cpus" | "workDir" | "executorMemoryMb" | "executors" | "fsRoots"> {
  const cpus = values.cpus ?? availableParallelism();
  return {
    cpus: values.cpus,
    workDir: values["work-dir"],
    executorMemoryMb: values["executor-memory"],
    executors: values.executors ?? Math.min(cpus, PRESTARTED_EXECUTORS),
    fsRoots: values["fs-root"],
  };
}

/** An existing directory. */
function existingDirectory(raw: string, flag: string): string {
  if (raw === "") throw new UsageError(`${flag} needs a value`);
  if (!statSync(raw, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`${flag}: "${raw}" is not an existing directory`);
  }
  return raw;
}

/** A work directory: an existing directory, or a path where one can be made. */
function workDirectory(raw: string, flag: string): string {
  if (raw === "") throw new UsageError(`${flag} needs a value`);
  const stat = statSync(raw, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new UsageError(`${flag}: Cannot use "${raw}" as work directory: not a directory`);
  }
  return raw;
}
