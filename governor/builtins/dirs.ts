/**
 * Directory built-ins: `loadDir`, `makeDirectory`, `sliceDirectory`.
 *
 * @module
 */
import { lstat, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkInside, checkRelativePath, isDirPath } from "../../common/paths.ts";
import {
  type MakeDirectoryConfig,
  makeDirectoryConfig,
  type PathConfig,
  pathConfig,
  type SliceDirectoryConfig,
  sliceDirectoryConfig,
} from "../../protocol/task_configs.ts";
import { fsCause, place } from "../fs_util.ts";
import { type Builtin, onlyInput } from "./types.ts";

/** Runs a loadDir task: a directory of the governor's file system becomes a dir object. */
export const loadDir: Builtin<PathConfig> = {
  config: pathConfig,
  run: async (ctx) => {
    const { path } = ctx.config;
    let real: string;
    try {
      real = await ctx.resources.fsRoots.check(path);
      if (!(await stat(real)).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
    } catch (e) {
      throw new Error(`Cannot load directory "${path}": ${fsCause(e)}`);
    }
    return [{ file: real, dataType: "dir" }];
  },
};

/** Runs a makeDirectory task: the inputs placed at relative paths of a new directory. */
export const makeDirectory: Builtin<MakeDirectoryConfig> = {
  config: makeDirectoryConfig,
  fits(config, task) {
    const inputs = task.spec.inputs.length;
    if (config.paths.length !== inputs) {
      throw new Error(`config.paths: ${config.paths.length} for ${inputs} inputs`);
    }
  },
  run: async (ctx) => {
    const { paths } = ctx.config;
    const root = await mkdtemp(join(ctx.resources.store.tasksDir, "mkdir-"));
    try {
      for (let i = 0; i < paths.length; i++) {
        const rel = checkRelativePath(paths[i]!, "makeDirectory path");
        const target = join(root, rel);
        await mkdir(dirname(target), { recursive: true });
        await checkInside(root, dirname(target));
        if (await lstat(target).catch(() => null)) {
          throw new Error(`makeDirectory: path "${rel}" is given twice`);
        }
        const obj = ctx.inputs[i]!;
        if (obj.data) await writeFile(target, obj.data);
        else await place(obj.path!, target, "copy");
      }
    } catch (e) {
      await rm(root, { recursive: true, force: true });
      throw e;
    }
    // The runner moves the tree into the store.
    return [{ file: root, dataType: "dir", move: true }];
  },
};

/** Runs a sliceDirectory task: a file (or, for a path ending in "/", a sub-directory) of a dir. */
export const sliceDirectory: Builtin<SliceDirectoryConfig> = {
  config: sliceDirectoryConfig,
  run: async (ctx) => {
    const { path } = ctx.config;
    const rel = checkRelativePath(path, "sliceDirectory path");
    const root = onlyInput(ctx).path!;
    const target = join(root, rel);
    try {
      await checkInside(root, target);
    } catch (e) {
      throw new Error(`Cannot slice directory: ${(e as Error).message}`);
    }
    const st = await stat(target).catch(() => null);
    const wantDir = isDirPath(rel);
    if (!st) throw new Error(`Cannot slice directory: path "${path}" does not exist in it`);
    if (wantDir && !st.isDirectory()) {
      throw new Error(`Cannot slice directory: path "${path}" is not a directory`);
    }
    if (!wantDir && !st.isFile()) {
      throw new Error(`Cannot slice directory: path "${path}" is not a file`);
    }
    return [{ file: target, dataType: wantDir ? "dir" : "blob" }];
  },
};
