/**
 * The concat part of `bench/wasm.ts`: the concat kernel
 * (`concatBytesWasm`) vs its pure-TS fallback (`concatBytesTs`) and vs what
 * the governor runs (`concatBytes`, which picks one of them), on the same
 * inputs in the same run.
 *
 * Each case runs several rounds; a round times a batch of calls of each
 * implementation (in alternating order), and the median time per call over
 * the rounds is printed with the ratio to the TS fallback (< 1: faster).
 *
 * The kernel's linear memory is released after a call that grew it beyond
 * `KERNEL_MEMORY_RETAINED` (64 MiB), as in the governor; the last case repeats
 * 2×64 MiB with all of it kept between calls, the kernel's best case.
 *
 * @module
 */
import {
  chooseConcat,
  concatBytes,
  concatBytesTs,
  concatBytesWasm,
  setKernelMemoryRetained,
} from "../wasm/mod.ts";
import { BATCH_MS, fmt, gc, median } from "./_timing.ts";

const KB = 1024;
const MB = 1024 * KB;
const cases: [name: string, count: number, size: number, keepMemory?: boolean][] = [
  ["2 × 16 B", 2, 16],
  ["1000 × 16 B", 1000, 16],
  ["100 × 1 KiB", 100, KB],
  ["16 × 64 KiB", 16, 64 * KB],
  ["4 × 1 MiB", 4, MB],
  ["2 × 64 MiB", 2, 64 * MB],
  ["2 × 64 MiB, memory kept", 2, 64 * MB, true],
];

type Impl = (parts: readonly Uint8Array[]) => Uint8Array;
const impls: [string, Impl][] = [
  ["ts", concatBytesTs],
  ["wasm", concatBytesWasm],
  ["selected", concatBytes],
];

function makeParts(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const p = new Uint8Array(size);
    for (let j = 0; j < size; j += 997) p[j] = (i * 31 + j) & 0xff;
    return p;
  });
}

/**
 * Inputs from which a full GC runs before each batch, so that a batch does not
 * pay for the garbage of the one before. Not for smaller ones: right after a
 * GC, every allocation faults in fresh pages, which is not their steady state.
 */
const GC_FROM = 16 * MB;

/** Calls `f` `n` times; returns ms per call. */
function timeBatch(f: Impl, parts: Uint8Array[], n: number): number {
  if (parts.reduce((sum, p) => sum + p.length, 0) >= GC_FROM) gc?.();
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) sink += f(parts).length;
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink); // Keeps the results alive.
  return ms / n;
}

/**
 * Runs the concat cases and prints one line each.
 *
 * @param rounds Rounds per case.
 * @param large Whether to run the 2×64 MiB cases.
 */
export function concatBench(rounds: number, large: boolean): void {
  console.log(
    `concat: WASM kernel vs TS fallback, median of ${rounds} rounds` +
      (gc
        ? ", GC before each large batch"
        : " (run with --v8-flags=--expose-gc for steadier results)"),
  );
  console.log(
    ["case", "ts", "wasm", "wasm/ts", "selected", "selected/ts", "choice"]
      .map((h, i) => i === 0 ? h.padEnd(24) : h.padStart(12)).join(""),
  );
  for (const [name, count, size, keepMemory] of cases) {
    if (!large && count * size > 64 * MB) continue;
    if (keepMemory) setKernelMemoryRetained(Infinity);
    const parts = makeParts(count, size);
    const expected = concatBytesTs(parts);
    for (const [label, f] of impls) {
      const got = f(parts);
      if (got.length !== expected.length || !got.every((b, i) => b === expected[i])) {
        throw new Error(`${label} concat differs from the TS fallback for ${name}`);
      }
    }
    // Calibrate the batch size on the TS fallback (after a warm-up).
    timeBatch(concatBytesTs, parts, 3);
    const once = timeBatch(concatBytesTs, parts, 3);
    const n = Math.max(1, Math.round(BATCH_MS / Math.max(once, 1e-6)));
    const times = new Map<string, number[]>(impls.map(([label]) => [label, []]));
    for (const [, f] of impls) timeBatch(f, parts, n); // Warm-up.
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? impls : [...impls].reverse();
      for (const [label, f] of order) times.get(label)!.push(timeBatch(f, parts, n));
    }
    const [ts, wasm, selected] = impls.map(([label]) => median(times.get(label)!)) as [
      number,
      number,
      number,
    ];
    console.log(
      [
        name.padEnd(24),
        fmt(ts),
        fmt(wasm),
        `${(wasm / ts).toFixed(2)}×`,
        fmt(selected),
        `${(selected / ts).toFixed(2)}×`,
        chooseConcat(count, count * size, true),
      ].map((c, i) => i === 0 ? c : c.padStart(12)).join(""),
    );
  }
}
