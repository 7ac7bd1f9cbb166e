/**
 * `concat`: one blob, the inputs concatenated in order.
 *
 * The bytes are joined by `concatBytes` of `wasm/mod.ts`, which runs the WASM
 * kernel where `bench/wasm.ts` measured it not slower and the pure-TS
 * fallback otherwise (README, "WASM kernels").
 *
 * @module
 */
import { concatBytes } from "../../wasm/mod.ts";
import { concatConfig } from "../../protocol/task_configs.ts";
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

export { concatBytes };

/** Runs a concat task; synchronous when every input is in memory. */
export const concat: Builtin<null> = {
  config: concatConfig,
  run(ctx) {
    const inputs = ctx.inputs;
    const parts = new Array<Uint8Array>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const obj = inputs[i]!;
      if (obj.dataType !== "blob") {
        throw new Error(`Cannot concat a directory (object ${obj.id.join("/")})`);
      }
      if (!obj.data) return concatFromDisk(ctx);
      parts[i] = obj.data;
    }
    return [{ data: concatBytes(parts) }];
  },
};

async function concatFromDisk(ctx: BuiltinContext<null>): Promise<BuiltinOutput[]> {
  const parts = await Promise.all(ctx.inputs.map((o) => ctx.resources.store.bytes(o)));
  return [{ data: concatBytes(parts) }];
}
