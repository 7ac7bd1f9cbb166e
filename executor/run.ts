/**
 * Runs one remote task inside the executor.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { ensureCodecsFor } from "../common/optional.ts";
import { isSubtype, toUint8Array } from "../common/content_type.ts";
import { DataInstance } from "../common/data_instance.ts";
import { packDirectory } from "../common/tar.ts";
import type { ExecutorInput, ExecutorMessage, RunMessage } from "../protocol/executor.ts";
import { decodeRemoteArgs } from "../protocol/remote_args.ts";
import { ownProcess } from "../runtime/own_process.ts";
import { TaskContext } from "./context.ts";
import { loadFunction } from "./functions.ts";
import { FileInstance } from "./instances.ts";
import { toResults } from "./results.ts";

const home = ownProcess.cwd();

/**
 * Runs a task: loads the function, builds its arguments, calls it in the
 * task's working directory (made empty, and emptied afterwards) and turns
 * its return value into results.
 *
 * @param m The run message.
 * @returns The result or error message for the governor.
 */
export async function runTask(m: RunMessage): Promise<ExecutorMessage> {
  const ctx = new TaskContext(m.spec, m.cwd, m.governor);
  const config = m.spec.config;
  try {
    enter(m.cwd);
    const { fn, names } = await loadFunction(config.fn);
    const instances = await Promise.all(m.inputs.map(toInstance));
    const params = instances.map((inst, j) => {
      const name = names[(config.inputs[j] ?? -1) + 1] ?? "";
      const param = Object.hasOwn(config.params, name) ? config.params[name]! : {};
      const declared = param.contentType;
      if (declared !== undefined && !isSubtype(inst.contentType, declared)) {
        // Raw bytes ("") take the declared meaning, as in Rain: every type is a sub-type of "".
        if (inst.contentType !== "") {
          throw new Error(
            `Parameter "${name}" needs content type "${declared}", but input ` +
              `"${inst.spec.label}" has "${inst.contentType}"`,
          );
        }
        inst.info.contentType = declared;
      }
      return param;
    });
    // So that load() of the inputs and encoding the declared outputs are synchronous.
    await ensureCodecsFor(
      ...instances.map((i) => i.contentType),
      ...m.outputs.map((o) => o.contentType),
      ...config.encode,
    );
    const values = instances.map((inst, j) =>
      config.autoLoad || params[j]!.load ? inst.load() : inst
    );
    const args = decodeRemoteArgs(toUint8Array(config.args), values);
    const value = await fn(ctx, ...args);
    await ctx.settle();
    const outputs = toResults(value, m.outputs, config.encode, instances);
    outputs.forEach((o, i) => {
      if (!("file" in o)) return;
      renameSync(o.file, m.outputPaths[i]!);
      o.file = m.outputPaths[i]!;
    });
    return { type: "result", outputs, debug: ctx.debugText, user: ctx.info.user };
  } catch (e) {
    const error = e instanceof Error
      ? (e.stack || `${e.name}: ${e.message}`)
      : `Error: ${String(e)}`;
    return { type: "error", error, debug: ctx.debugText, user: ctx.info.user };
  } finally {
    // An emptied directory is as fresh as a new one: keep it, and stay in it, for the next task.
    if (!existsSync(m.cwd) || readdirSync(m.cwd).length) {
      ownProcess.chdir(home);
      rmSync(m.cwd, { recursive: true, force: true });
    }
    // Staged files that did not become results (the task failed, or returned others).
    if (ctx.staged) rmSync(ctx.stagingDir, { recursive: true, force: true });
  }
}

/**
 * Makes `dir` the working directory, creating it when needed; nothing to do
 * when it already is (the last task left it empty and did not change
 * directory): a `chdir` there and back per task cost as much as a trivial
 * task's own work.
 */
function enter(dir: string): void {
  let here = "";
  try {
    here = ownProcess.cwd();
  } catch {
    // The working directory was removed.
  }
  if (here === dir) return;
  if (!existsSync(dir)) mkdirSync(dir);
  ownProcess.chdir(dir);
}

async function toInstance(i: ExecutorInput): Promise<DataInstance> {
  if (i.data) return new DataInstance(i.spec, i.info, toUint8Array(i.data));
  const tar = i.spec.dataType === "dir" ? await packDirectory(i.path!) : null;
  return new FileInstance(i.spec, i.info, i.path!, tar);
}
