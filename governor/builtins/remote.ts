/**
 * `remote`: runs a TypeScript function in one of the governor's executor
 * processes, in a fresh working directory removed afterwards.
 *
 * @module
 */
import type { ObjectSpec, TaskSpec } from "../../common/attributes.ts";
import { validateRemoteConfig } from "../../protocol/executor.ts";
import type { ExecutorInput, RunMessage } from "../../protocol/executor.ts";
import { ExecutorPool, type ExecutorPoolOptions } from "../executor_pool.ts";
import type { ObjectStore, StoredObject } from "../store.ts";
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

const pools = new WeakMap<ObjectStore, ExecutorPool>();
const poolOptions = new WeakMap<ObjectStore, ExecutorPoolOptions>();

/**
 * Sets the options of a governor's executors (before its first remote task).
 *
 * @param store The governor's store.
 * @param options The executors' heap limit.
 */
export function configureExecutors(store: ObjectStore, options: ExecutorPoolOptions): void {
  poolOptions.set(store, options);
}

/**
 * The executor pool of a governor (made on first use).
 *
 * @param store The governor's store.
 * @returns Its pool.
 */
export function executorPool(store: ObjectStore): ExecutorPool {
  let pool = pools.get(store);
  if (!pool) pools.set(store, pool = new ExecutorPool(store.tasksDir, poolOptions.get(store)));
  return pool;
}

/** Runs a remote task. */
export const remote: Builtin = (ctx) => {
  validateRemoteConfig(ctx.task.spec.config);
  return run(ctx);
};

remote.shutdown = (store) => {
  const pool = pools.get(store);
  pools.delete(store);
  pool?.close();
};

async function run(ctx: BuiltinContext): Promise<BuiltinOutput[]> {
  const { task } = ctx;
  // Inputs the server handed over with their data come without a hash: the function sees one.
  for (const obj of ctx.inputs) if (!obj.info.hash) await ctx.store.hashOf(obj);
  const message: Omit<RunMessage, "cwd"> = {
    type: "run",
    // The server sends remote tasks with full specs (checked on receipt).
    spec: task.spec as TaskSpec,
    outputs: task.outputs as ObjectSpec[],
    inputs: ctx.inputs.map((obj, i) => toInput(obj, task.inputs?.[i], task.spec.inputs[i]!.label)),
    outputPaths: task.outputs.map((o) => ctx.store.pathFor(o.id)),
    governor: ctx.governor,
  };
  const answer = await executorPool(ctx.store).run(message, ctx.signal);
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
