/**
 * The hash part of `bench/wasm.ts`: XXH3-128 throughput of the WASM kernel
 * vs its pure-TS fallback vs `node:crypto` SHA-256, one-shot over inputs of
 * 1 KiB, 1 MiB and 256 MiB (and what `xxh128()` selects); then, for small
 * inputs, the time per call of kernel and fallback (the kernel wins at every
 * size measured, so `xxh128()` always runs it when it is available).
 *
 * Each case runs several rounds; a round times a batch of calls of each
 * implementation (in alternating order); the median per call over the rounds
 * gives the throughput.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { xxh128 } from "../wasm/mod.ts";
import { BATCH_MS, fmt, median } from "./_timing.ts";

type Impl = (b: Uint8Array) => unknown;

const IMPLS: [string, Impl][] = [
  ["wasm", (b) => xxh128(b, "wasm")],
  ["ts", (b) => xxh128(b, "ts")],
  ["selected", (b) => xxh128(b)],
  ["sha256", (b) => createHash("sha256").update(b).digest()],
];

/** Calls `f` `n` times; returns ms per call. */
function timeBatch(f: Impl, b: Uint8Array, n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) f(b);
  return (performance.now() - start) / n;
}

/** Median ms per call of each implementation over `rounds` alternating rounds. */
function measure(impls: [string, Impl][], b: Uint8Array, rounds: number): Map<string, number> {
  const times = new Map<string, number[]>(impls.map(([name]) => [name, []]));
  const batch = new Map<string, number>();
  for (const [name, f] of impls) {
    f(b); // warm-up
    const once = timeBatch(f, b, 1);
    batch.set(name, Math.max(1, Math.round(BATCH_MS / Math.max(once, 1e-4))));
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? impls : [...impls].reverse();
    for (const [name, f] of order) times.get(name)!.push(timeBatch(f, b, batch.get(name)!));
  }
  return new Map([...times].map(([name, t]) => [name, median(t)]));
}

function input(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i += 4093) b[i] = i & 0xff;
  return b;
}

const gbs = (bytes: number, ms: number) => `${(bytes / ms / 1e6).toFixed(2)} GB/s`;

/**
 * Runs the hash cases and prints two tables.
 *
 * @param rounds Rounds per case (the 256 MiB case runs at most 5).
 * @param large Whether to run the 256 MiB case.
 */
export function hashBench(rounds: number, large: boolean): void {
  console.log(`hash throughput (one call per input), median of ${rounds} rounds`);
  console.log(
    ["size", "wasm", "ts", "sha256", "selected", "wasm/ts", "wasm/sha256"]
      .map((h, i) => i === 0 ? h.padEnd(10) : h.padStart(12)).join(""),
  );
  for (
    const [name, size] of [["1 KiB", 1024], ["1 MiB", 1 << 20], ["256 MiB", 256 << 20]] as const
  ) {
    if (!large && size > 1 << 20) continue;
    const b = input(size);
    const t = measure(IMPLS, b, size > 1 << 20 ? Math.min(rounds, 5) : rounds);
    const [wasm, ts, sel, sha] = ["wasm", "ts", "selected", "sha256"].map((n) => t.get(n)!) as [
      number,
      number,
      number,
      number,
    ];
    console.log(
      [
        name.padEnd(10),
        gbs(size, wasm),
        gbs(size, ts),
        gbs(size, sha),
        gbs(size, sel),
        `${(ts / wasm).toFixed(1)}×`,
        `${(sha / wasm).toFixed(1)}×`,
      ].map((c, i) => i === 0 ? c : c.padStart(12)).join(""),
    );
  }
  console.log("\nsmall inputs: time per call, with the hex string");
  const head = ["size", "wasm", "ts", "ts/wasm"];
  console.log(head.map((h, i) => i === 0 ? h.padEnd(10) : h.padStart(12)).join(""));
  for (const size of [0, 16, 48, 64, 96, 128, 240, 256, 1024]) {
    const t = measure(IMPLS.slice(0, 2), input(size), rounds);
    console.log(
      [
        `${size} B`.padEnd(10),
        fmt(t.get("wasm")!),
        fmt(t.get("ts")!),
        `${(t.get("ts")! / t.get("wasm")!).toFixed(1)}×`,
      ]
        .map((c, i) => i === 0 ? c : c.padStart(12)).join(""),
    );
  }
}
