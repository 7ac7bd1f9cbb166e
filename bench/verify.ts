/**
 * What verified transfers cost: the `transfer` workload of `deno task bench`
 * (a blob moved governor -> governor) on two clusters side by side, started
 * with the command line (`rain server` + 4 × `rain governor --cpus 1`): one
 * whose governors hash what they fetch (the default) and one started with
 * `RAIN_VERIFY=0`. Rounds alternate between the two, compared by their
 * medians, because this machine's background load changes from one second to
 * the next. Target: hashing adds at most 10% to the transfer time.
 *
 * Run: `deno run -A bench/verify.ts [--mib N] [--rounds N]` (default 1024 MiB,
 * 3 measured rounds of each after one warm-up round).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Client } from "../mod.ts";
import { startCliCluster } from "./_cli_cluster.ts";
import { governorToGovernor } from "./_rain_workloads.ts";
import { median } from "./_timing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    mib: { type: "string", default: "1024" },
    rounds: { type: "string", default: "3" },
  },
});
const MIB = Number(values.mib);
const ROUNDS = Number(values.rounds);
for (const [name, x] of [["mib", MIB], ["rounds", ROUNDS]] as const) {
  if (!Number.isInteger(x) || x < 1) {
    throw new RangeError(`--${name} must be a positive integer, got "${values[name]}"`);
  }
}

const shape = { governors: [1, 1, 1, 1] };
await using checked = await startCliCluster(shape);
await using plain = await startCliCluster(shape, { RAIN_VERIFY: "0" });
const checkedClient = await Client.connect(checked.address);
const plainClient = await Client.connect(plain.address);
const moves: number[] = [];
const plainMoves: number[] = [];
try {
  // One warm-up round each: the first move pays for compiling the fetch path.
  await governorToGovernor(checkedClient, MIB);
  await governorToGovernor(plainClient, MIB);
  for (let r = 0; r < ROUNDS; r++) {
    moves.push(await governorToGovernor(checkedClient, MIB));
    plainMoves.push(await governorToGovernor(plainClient, MIB));
  }
} finally {
  await checkedClient.close();
  await plainClient.close();
}
const moved = median(moves);
const movedPlain = median(plainMoves);
const all = (xs: number[]) => xs.map(Math.round).join(", ");
console.log(
  `${MIB} MiB governor -> governor, fetched bytes hashed: ${Math.round(moved)} MiB/s ` +
    `(median of ${ROUNDS}; all: ${all(moves)})`,
);
console.log(
  `the same, not hashed (RAIN_VERIFY=0): ${Math.round(movedPlain)} MiB/s (all: ${
    all(plainMoves)
  }); hashing adds ${(100 * (movedPlain / moved - 1)).toFixed(1)}% to the transfer time ` +
    "(target <= 10%)",
);
