/**
 * `load` and `store`: copy blobs between the governor's file system and
 * the object store.
 *
 * @module
 */
import { copyFile, cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { MEMORY_LIMIT } from "../store.ts";
import type { Builtin } from "./types.ts";
import { fsCause } from "../fs_util.ts";
import { pathConfig } from "./configs.ts";

/** Runs a load task: the file's bytes become the output. */
export const load: Builtin = async (ctx) => {
  const { path } = pathConfig(ctx);
  try {
    const real = await ctx.fsRoots.check(path);
    const st = await stat(real);
    if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    if (st.size > MEMORY_LIMIT) return [{ file: real }];
    return [{ data: new Uint8Array(await readFile(real)) }];
  } catch (e) {
    throw new Error(`Cannot load "${path}": ${fsCause(e)}`);
  }
};

/** Runs a store task: writes its input to a file (a directory for dirs); no output. */
export const store: Builtin = async (ctx) => {
  const { path } = pathConfig(ctx);
  const obj = ctx.inputs[0]!;
  try {
    const real = await ctx.fsRoots.check(path);
    await mkdir(dirname(real), { recursive: true });
    if (obj.data) await writeFile(real, obj.data);
    else if (obj.dataType === "dir") {
      await cp(obj.path!, real, { recursive: true, verbatimSymlinks: true });
    } else await copyFile(obj.path!, real);
  } catch (e) {
    throw new Error(`Cannot store to "${path}": ${fsCause(e)}`);
  }
  return [];
};
