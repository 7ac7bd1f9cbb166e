/**
 * `execute`: runs an external program in a fresh temporary directory with
 * its inputs mapped in (read-only links unless `write`), and turns files it
 * wrote (or its stdout) into outputs.
 *
 * @module
 */
import { chmod, cp, lstat, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkInside, checkRelativePath, checkTreeInside } from "../../common/paths.ts";
import type { ExecuteConfig } from "../../protocol/task_configs.ts";
import { executeConfig } from "./configs.ts";
import { runtime } from "../../runtime/mod.ts";
import type { StoredObject } from "../store.ts";
import { taskDirs } from "../task_dirs.ts";
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

/** Runs an execute task. */
export const execute: Builtin = async (ctx) => {
  const config = executeConfig(ctx);
  const dirs = taskDirs(ctx.store);
  const dir = await dirs.acquire();
  // Stdout goes beside the task directory, where the program cannot see it.
  const stdout = join(ctx.store.tasksDir, `${ctx.task.spec.id.join("-")}.stdout`);
  try {
    return await run(ctx, config, dir, stdout);
  } catch (e) {
    await rm(stdout, { force: true });
    throw e;
  } finally {
    await dirs.release(dir);
  }
};

async function run(
  ctx: BuiltinContext,
  config: ExecuteConfig,
  dir: string,
  stdoutPath: string,
): Promise<BuiltinOutput[]> {
  const inputPaths = config.inputs.map((i) => checkRelativePath(i.path, "Input path"));
  for (let i = 0; i < ctx.inputs.length; i++) {
    const path = join(dir, inputPaths[i]!);
    await mkdir(dirname(path), { recursive: true });
    // An earlier input mapped as a link ("d") must not let a later one ("d/x") into the store.
    await checkInside(dir, dirname(path));
    await mapInput(ctx.inputs[i]!, path, config.inputs[i]!.write);
  }
  const wantsStdout = config.outputs.some((o) => "stdout" in o);
  const [cmd, ...args] = config.shell ? ["sh", "-c", config.args.join(" ")] : config.args;
  if (!cmd) throw new Error("Cannot execute an empty command");
  const program = config.shell ? "sh" : cmd;
  let result;
  try {
    result = await runtime.spawn({
      cmd,
      args,
      cwd: dir,
      stdin: config.stdin >= 0 ? join(dir, inputPaths[config.stdin]!) : undefined,
      stdout: wantsStdout ? stdoutPath : undefined,
      signal: ctx.signal,
    });
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw new Error(`Program "${cmd}" not found`);
    throw new Error(`Cannot start program "${cmd}": ${(e as Error).message}`);
  }
  if (ctx.signal.aborted) throw new Error("Task was stopped");
  if (result.code !== 0) {
    const how = result.signal
      ? `was killed by ${result.signal}`
      : `exited with code ${result.code}`;
    const stderr = new TextDecoder().decode(result.stderr).trimEnd();
    throw new Error(
      `Program "${program}" ${how}${stderr ? `\nStderr:\n${stderr}` : " (no stderr)"}`,
    );
  }
  const outputs: BuiltinOutput[] = [];
  for (let i = 0; i < config.outputs.length; i++) {
    const out = config.outputs[i]!;
    const spec = ctx.task.outputs[i]!;
    if ("stdout" in out) {
      outputs.push({ file: stdoutPath, move: true });
      continue;
    }
    const path = join(dir, checkRelativePath(out.path, "Output path"));
    try {
      await checkInside(dir, path);
    } catch (e) {
      throw new Error(`Output "${spec.label}": ${(e as Error).message}`);
    }
    const st = await lstat(path).catch(() => null);
    if (!st) {
      throw new Error(`Output "${spec.label}" (path "${out.path}") was not created by the program`);
    }
    const isDir = st.isDirectory();
    const dataType = spec.dataType ?? "blob";
    if (dataType === "dir" && !isDir) {
      throw new Error(`Output "${spec.label}" (path "${out.path}") is not a directory`);
    }
    if (dataType === "blob" && !st.isFile()) {
      throw new Error(`Output "${spec.label}" (path "${out.path}") is not a file`);
    }
    if (isDir) {
      try {
        await checkTreeInside(path);
      } catch (e) {
        throw new Error(`Output "${spec.label}": ${(e as Error).message}`);
      }
    }
    outputs.push({ file: await stage(ctx, path, i), move: true, dataType });
  }
  return outputs;
}

/**
 * Moves an output out of the task directory (which is emptied before the
 * runner stores the output) to a staging path named by the task.
 */
async function stage(ctx: BuiltinContext, path: string, index: number): Promise<string> {
  const staged = join(ctx.store.tasksDir, `${ctx.task.spec.id.join("-")}.out${index}`);
  await rename(path, staged);
  return staged;
}

/**
 * Maps an input object into the task directory: a symlink to the stored
 * (read-only) file or tree, a read-only file for in-memory blobs, or a
 * private writable copy when `write` is set.
 */
async function mapInput(obj: StoredObject, path: string, write: boolean): Promise<void> {
  if (obj.data) {
    await writeFile(path, obj.data, { mode: write ? 0o644 : 0o444 });
  } else if (write) {
    await cp(obj.path!, path, { recursive: true, verbatimSymlinks: true });
    await makeWritable(path);
  } else {
    await symlink(obj.path!, path);
  }
}

async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  await chmod(path, st.mode | 0o200);
  if (st.isDirectory()) { for (const n of await readdir(path)) await makeWritable(join(path, n)); }
}
