/**
 * `execute`: runs an external program in a fresh temporary directory with
 * its inputs mapped in (read-only links unless `write`), and turns files it
 * wrote (or its stdout) into outputs.
 *
 * @module
 */
import {
  chmod,
  cp,
  lstat,
  mkdir,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkInside, checkRelativePath, checkTreeInside } from "../../common/paths.ts";
import { type ExecuteConfig, executeConfig } from "../../protocol/task_configs.ts";
import { runtime } from "../../runtime/mod.ts";
import type { StoredObject } from "../store.ts";
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

/** Runs an execute task. */
export const execute: Builtin<ExecuteConfig> = {
  config: executeConfig,
  fits(config, task) {
    const inputs = task.spec.inputs.length;
    if (config.inputs.length !== inputs) {
      throw new Error(`config.inputs: ${config.inputs.length} for ${inputs} inputs`);
    }
    if (config.outputs.length !== task.outputs.length) {
      throw new Error(
        `config.outputs: ${config.outputs.length} for ${task.outputs.length} outputs`,
      );
    }
    if (config.stdin >= inputs) throw new Error(`config.stdin: no input ${config.stdin}`);
  },
  run: async (ctx) => {
    const config = ctx.config;
    const { store, taskDirs } = ctx.resources;
    const dir = await taskDirs.acquire();
    // Stdout goes beside the task directory, where the program cannot see it.
    const stdout = join(store.tasksDir, `${ctx.task.spec.id.join("-")}.stdout`);
    try {
      return await run(ctx, config, dir, stdout);
    } catch (e) {
      await rm(stdout, { force: true });
      throw e;
    } finally {
      await taskDirs.release(dir);
    }
  },
};

async function run(
  ctx: BuiltinContext<ExecuteConfig>,
  config: ExecuteConfig,
  dir: string,
  stdoutPath: string,
): Promise<BuiltinOutput[]> {
  const inputPaths = config.inputs.map((i) => checkRelativePath(i.path, "Input path"));
  /** Inputs mapped as symlinks into the store, by their path in the task directory. */
  const links = new Map<string, StoredObject>();
  for (let i = 0; i < ctx.inputs.length; i++) {
    const path = join(dir, inputPaths[i]!);
    await mkdir(dirname(path), { recursive: true });
    // An earlier input mapped as a link ("d") must not let a later one ("d/x") into the store.
    await checkInside(dir, dirname(path));
    const input = ctx.inputs[i]!;
    if (await mapInput(input, path, config.inputs[i]!.write)) {
      links.set(trimSlash(inputPaths[i]!), input);
    }
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
    const rel = checkRelativePath(out.path, "Output path");
    // An output at an input the governor linked in is that input's data; one
    // inside a linked input directory is that part of it (copied from the store).
    const mapped = await linkedInput(dir, rel, links);
    if (mapped?.rest === "") {
      outputs.push({ forward: mapped.input });
      continue;
    }
    const root = mapped ? mapped.input.path! : dir;
    const path = join(root, mapped ? mapped.rest : rel);
    try {
      await checkInside(root, path);
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
    outputs.push(
      mapped ? { file: path, dataType } : { file: await stage(ctx, path, i), move: true, dataType },
    );
  }
  return outputs;
}

/** Where an output path meets an input linked into the task directory. */
interface LinkedInput {
  /** The input object. */
  input: StoredObject;
  /** The rest of the output path inside it (`""`: the input itself). */
  rest: string;
}

/**
 * Finds the input link that an output path goes through, if the governor
 * made that link: the entry at the input's path must still be a symlink to
 * the stored object, under parents that stay in the task directory. A link
 * the program made (or put in place of the governor's) is never taken for an
 * input, so it is checked like any other output path.
 *
 * @param dir The task directory.
 * @param rel The output's normalised relative path.
 * @param links The linked inputs by normalised path.
 * @returns The input and the rest of the path, or `null`.
 */
async function linkedInput(
  dir: string,
  rel: string,
  links: ReadonlyMap<string, StoredObject>,
): Promise<LinkedInput | null> {
  if (links.size === 0) return null;
  const segments = trimSlash(rel).split("/");
  for (let k = 1; k <= segments.length; k++) {
    const input = links.get(segments.slice(0, k).join("/"));
    if (!input) continue;
    const link = join(dir, ...segments.slice(0, k));
    const st = await lstat(link).catch(() => null);
    if (!st?.isSymbolicLink() || await readlink(link) !== input.path) return null;
    try {
      await checkInside(dir, dirname(link));
    } catch {
      return null; // a parent was replaced by a link leaving the directory
    }
    return { input, rest: segments.slice(k).join("/") };
  }
  return null;
}

function trimSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * Moves an output out of the task directory (which is emptied before the
 * runner stores the output) to a staging path named by the task.
 */
async function stage(
  ctx: BuiltinContext<ExecuteConfig>,
  path: string,
  index: number,
): Promise<string> {
  const staged = join(ctx.resources.store.tasksDir, `${ctx.task.spec.id.join("-")}.out${index}`);
  await rename(path, staged);
  return staged;
}

/**
 * Maps an input object into the task directory: a symlink to the stored
 * (read-only) file or tree, a read-only file for in-memory blobs, or a
 * private writable copy when `write` is set.
 *
 * @returns Whether the input was mapped as a symlink.
 */
async function mapInput(obj: StoredObject, path: string, write: boolean): Promise<boolean> {
  if (obj.data) {
    await writeFile(path, obj.data, { mode: write ? 0o644 : 0o444 });
  } else if (write) {
    await cp(obj.path!, path, { recursive: true, verbatimSymlinks: true });
    await makeWritable(path);
  } else {
    await symlink(obj.path!, path);
    return true;
  }
  return false;
}

async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  await chmod(path, st.mode | 0o200);
  if (st.isDirectory()) { for (const n of await readdir(path)) await makeWritable(join(path, n)); }
}
