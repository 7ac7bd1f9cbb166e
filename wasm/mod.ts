/**
 * WASM kernels with pure-TS fallbacks: the XXH3-128 content hash and the
 * governor's concat. `kernels.wasm` (compiled from `assembly/*.ts` by
 * `build.ts`, committed) is loaded on first use, never on import; without it,
 * or with `RAIN_WASM=0`, every function runs its fallback and gives the same
 * result.
 *
 * @example
 * ```ts
 * import { xxh128 } from "./mod.ts";
 * xxh128(new Uint8Array([1, 2, 3])); // 32 hex digits
 * ```
 *
 * @module
 */
export * from "./concat.ts";
export * from "./hash.ts";
export { wasmStatus } from "./kernels.ts";
