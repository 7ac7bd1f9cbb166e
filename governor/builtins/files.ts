/**
 * `load` and `store`: copy blobs between the governor's file system and
 * the object store.
 *
 * @module
 */
import { copyFile, cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type PathConfig, pathConfig } from "../../protocol/task_configs.ts";
import { fsCause } from "../fs_util.ts";
import { type Builtin, onlyInput } from "./types.ts";

/** Runs a load task: the file's bytes become the output. */
export const load: Builtin<PathConfig> = {
  config: pathConfig,
  run: async (ctx) => {
    const { path } = ctx.config;
    try {
      const real = await ctx.resources.fsRoots.check(path);
      const st = await stat(real);
      if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
      if (st.size > ctx.resources.limits.inMemoryBytes) return [{ file: real }];
      return [{ data: new Uint8Array(await readFile(real)) }];
    } catch (e) {
      throw new Error(`Cannot load "${path}": ${fsCause(e)}`);
    }
  },
};

/** Runs a store task: writes its input to a file (a directory for dirs); no output. */
export const store: Builtin<PathConfig> = {
  config: pathConfig,
  run: async (ctx) => {
    const { path } = ctx.config;
    const obj = onlyInput(ctx);
    try {
      const real = await ctx.resources.fsRoots.check(path);
      await mkdir(dirname(real), { recursive: true });
      if (obj.data) await writeFile(real, obj.data);
      else if (obj.dataType === "dir") {
        await cp(obj.path!, real, { recursive: true, verbatimSymlinks: true });
      } else await copyFile(obj.path!, real);
    } catch (e) {
      throw new Error(`Cannot store to "${path}": ${fsCause(e)}`);
    }
    return [];
  },
};
