/**
 * AssemblyScript kernel for the governor's `concat` built-in (compiled by
 * `wasm/build.ts` into `wasm/kernels.wasm`; not a Deno module).
 *
 * The caller (`wasm/concat.ts`) owns the linear memory above `heapBase()` (`heap.ts`): it
 * writes the parts into it, a table of `count` little-endian `(offset, length)`
 * u32 pairs at `table`, and reserves the output range at `out`.
 *
 * @module
 */

/**
 * Copies the ranges listed in the table one after the other to `out`, with
 * the bulk-memory `memory.copy` instruction (a memmove in the engine).
 *
 * @param table Where the `(offset, length)` u32 pairs start.
 * @param count How many pairs there are.
 * @param out Where the output starts; must not overlap the ranges.
 * @returns The end of the output (`out` plus the sum of the lengths).
 */
export function concat(table: usize, count: u32, out: usize): usize {
  let dst = out;
  const end = table + ((count as usize) << 3);
  for (let at = table; at < end; at += 8) {
    const src = load<u32>(at) as usize;
    const len = load<u32>(at, 4) as usize;
    memory.copy(dst, src, len);
    dst += len;
  }
  return dst;
}
