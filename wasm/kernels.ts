/**
 * Loading the WASM kernels (`kernels.wasm`, compiled from `assembly/*.ts` by
 * `build.ts` and committed), lazily: nothing is read or compiled until a
 * kernel is first used, so importing a module that may use one costs nothing.
 *
 * The file is read with `node:fs` and compiled synchronously (a few KB), the
 * same on Deno, Node and Bun. When it cannot be loaded (file missing, e.g. a
 * bundle without it; no WebAssembly or no SIMD; a big-endian host), or when
 * the environment variable `RAIN_WASM` is `0`, {@linkcode kernelModule}
 * returns `null` and every caller uses its pure-TS fallback, which gives the
 * same bytes.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { runtime } from "../runtime/mod.ts";

/** Bytes in a WebAssembly page. */
export const PAGE = 65536;

/** The compiled module, or why there is none; `undefined` until first asked. */
let loaded: WebAssembly.Module | Error | undefined;

function load(): WebAssembly.Module | Error {
  try {
    if (runtime.env("RAIN_WASM") === "0") throw new Error("disabled by RAIN_WASM=0");
    // Kernels write tables with typed arrays, in platform byte order; WASM is little-endian.
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error("big-endian host");
    return new WebAssembly.Module(readFileSync(new URL("./kernels.wasm", import.meta.url)));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * The compiled kernels, compiled on the first call.
 *
 * @returns The module, or `null` when the kernels are unavailable (see
 *   {@linkcode wasmStatus} for why).
 */
export function kernelModule(): WebAssembly.Module | null {
  loaded ??= load();
  return loaded instanceof Error ? null : loaded;
}

/**
 * Whether the WASM kernels can be used, and if not, why (loads them if that
 * was not tried yet).
 *
 * @returns `{ available: true }`, or `{ available: false, error }`.
 */
export function wasmStatus(): { available: boolean; error?: string } {
  const module = kernelModule();
  return module ? { available: true } : { available: false, error: (loaded as Error).message };
}

/**
 * Instantiates the kernels (each user keeps its own instance and memory).
 *
 * @returns The instance's exports, or `null` when the kernels are unavailable.
 */
export function instantiateKernels(): WebAssembly.Exports | null {
  const module = kernelModule();
  if (!module) return null;
  try {
    return new WebAssembly.Instance(module, {}).exports;
  } catch (e) {
    loaded = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/**
 * Whether the kernels are loaded already, without loading them (for tests of
 * the lazy loading).
 *
 * @returns `true` once something used a kernel.
 */
export function kernelsLoaded(): boolean {
  return loaded !== undefined;
}
