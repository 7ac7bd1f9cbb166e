/**
 * Timing helpers of the micro-benchmarks (`bench/wasm.ts`).
 *
 * @module
 */

/** Time a batch should take, so that timer resolution and call overhead do not matter. */
export const BATCH_MS = 20;

/** A full GC, when the runtime exposes one (`--v8-flags=--expose-gc`). */
export const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/**
 * The median of some numbers.
 *
 * @param xs The numbers (not empty).
 * @returns Their median (the upper one of an even count).
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Formats a duration for a table.
 *
 * @param ms Milliseconds.
 * @returns E.g. `"3.25 µs"`, `"412.0 µs"`, `"12.5 ms"`.
 */
export function fmt(ms: number): string {
  const us = ms * 1000;
  return us < 10
    ? `${us.toFixed(2)} µs`
    : us < 10_000
    ? `${us.toFixed(1)} µs`
    : `${ms.toFixed(1)} ms`;
}
