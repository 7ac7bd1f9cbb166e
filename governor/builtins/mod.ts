/**
 * The table of built-in task types run inside the governor.
 *
 * @module
 */
import { concat } from "./concat.ts";
import { loadDir, makeDirectory, sliceDirectory } from "./dirs.ts";
import { execute } from "./execute.ts";
import { load, store } from "./files.ts";
import { remote } from "./remote.ts";
import { sleep } from "./sleep.ts";
import type { Builtin } from "./types.ts";

export type * from "./types.ts";

/** Built-ins by task type. */
export const builtins: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ["concat", concat],
  ["sleep", sleep],
  ["load", load],
  ["store", store],
  ["loadDir", loadDir],
  ["makeDirectory", makeDirectory],
  ["sliceDirectory", sliceDirectory],
  ["execute", execute],
  ["remote", remote],
]);
