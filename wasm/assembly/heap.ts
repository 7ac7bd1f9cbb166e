/**
 * The linear-memory layout every kernel shares (compiled by `wasm/build.ts`
 * into `wasm/kernels.wasm`; not a Deno module): static data first, then the
 * caller's working memory.
 *
 * @module
 */

/** The first byte of linear memory that the caller may use. */
export function heapBase(): usize {
  return __heap_base;
}
