/**
 * `remote`: runs a TypeScript function in one of the governor's executor
 * processes, in a fresh working directory removed afterwards.
 *
 * @module
 */
import { NO_USER, type ObjectSpec } from "../../common/attributes.ts";
import type { AssignedOutput } from "../../protocol/assigned_task.ts";
import type { ExecutorInput, RunMessage } from "../../protocol/executor.ts";
import { type RemoteConfig, remoteConfig } from "../../protocol/remote_config.ts";
import type { StoredObject } from "../store.ts";
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

/** Runs a remote task. */
export const remote: Builtin<RemoteConfig> = {
  config: remoteConfig,
  run,
};

async function run(ctx: BuiltinContext<RemoteConfig>): Promise<BuiltinOutput[]> {
  const { task } = ctx;
  // Inputs the server handed over with their data come without a hash: the function sees one.
  for (const obj of ctx.inputs) if (!obj.info.hash) await ctx.resources.store.hashOf(obj);
  // The server sends remote tasks with full specs (`assignedTask` checks them): the
  // defaults below never apply, they only spell out the full types.
  const { user = NO_USER, name = "" } = task.spec;
  const message: Omit<RunMessage, "cwd"> = {
    type: "run",
    spec: { ...task.spec, config: ctx.config, user, name },
    outputs: task.outputs.map(outputSpec),
    inputs: ctx.inputs.map((obj, i) => toInput(obj, task.inputs?.[i], task.spec.inputs[i]!.label)),
    outputPaths: task.outputs.map((o) => ctx.resources.store.pathFor(o.id)),
    governor: ctx.resources.address,
  };
  const answer = await ctx.resources.executors.run(message, ctx.signal);
  ctx.info.debug = answer.debug;
  ctx.info.user = answer.user;
  if (answer.type === "error") {
    throw new Error(answer.debug ? `${answer.error}\n\nDebug:\n${answer.debug}` : answer.error);
  }
  const outputs: BuiltinOutput[] = [];
  for (let i = 0; i < answer.outputs.length; i++) {
    const out = answer.outputs[i]!;
    if ("input" in out) {
      const source = ctx.inputs[out.input];
      if (!source) throw new Error(`Executor returned unknown input ${out.input}`);
      outputs.push({ forward: source, user: out.user });
    } else if ("data" in out) {
      outputs.push({ data: out.data, contentType: out.contentType, user: out.user });
    } else {
      const path = message.outputPaths[i]!;
      if (out.file !== path) {
        throw new Error(`Executor staged output ${i} at ${out.file}, not at ${path}`);
      }
      outputs.push({
        file: path,
        move: true,
        dataType: out.dataType,
        contentType: out.contentType,
        user: out.user,
      });
    }
  }
  return outputs;
}

function outputSpec(o: AssignedOutput): ObjectSpec {
  const { id, label, contentType = "", dataType = "blob", user = NO_USER } = o;
  return { id, label, contentType, dataType, user };
}

function toInput(obj: StoredObject, known: ObjectSpec | undefined, label: string): ExecutorInput {
  // The server sends the input objects' specs; without them, make do with what the store knows.
  const spec = known ?? {
    id: obj.id,
    label,
    contentType: obj.info.contentType,
    dataType: obj.dataType,
    user: {},
  };
  return obj.data
    ? { spec, info: obj.info, data: obj.data }
    : { spec, info: obj.info, path: obj.path! };
}
