/**
 * WASM kernel benchmark: each kernel against its pure-TS fallback on the
 * same inputs in the same run.
 *
 * - hash (`_wasm_hash.ts`): XXH3-128 throughput of the kernel vs the fallback
 *   vs `node:crypto` SHA-256 at 1 KiB, 1 MiB and 256 MiB, and the time per
 *   call on small inputs;
 * - concat (`_wasm_concat.ts`): the concat kernel vs `Uint8Array.set`.
 *
 * Run: `deno run -A --v8-flags=--expose-gc bench/wasm.ts [--rounds N]
 * [--no-large] [--only hash|concat]` (`--no-large` skips the 256 MiB hash
 * and the 2×64 MiB concat cases; with `--expose-gc`, a full GC runs before
 * each timed batch of those, which steadies them).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { wasmStatus } from "../wasm/mod.ts";
import { runtime } from "../runtime/mod.ts";
import { concatBench } from "./_wasm_concat.ts";
import { hashBench } from "./_wasm_hash.ts";

const { values } = parseArgs({
  args: runtime.args(),
  options: {
    rounds: { type: "string", default: "11" },
    "no-large": { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const large = !values["no-large"];

const status = wasmStatus();
if (!status.available) {
  console.error(`WASM kernels unavailable: ${status.error}`);
  runtime.exit(1);
}
console.log(`runtime: ${runtime.name}`);
if (values.only !== "concat") hashBench(rounds, large);
if (values.only !== "hash") {
  if (values.only !== "concat") console.log();
  concatBench(rounds, large);
}
