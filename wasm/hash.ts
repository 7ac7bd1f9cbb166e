/**
 * XXH3-128 hashes of bytes, one-shot or streaming, with the WASM kernel or
 * its pure-TS fallback: the same algorithm, so the same hashes. A hash is
 * written as 32 lowercase hex digits of xxHash's canonical form (what
 * `xxhsum -H2` prints).
 *
 * The kernel runs whenever it is available (see `kernels.ts`): `bench/wasm.ts`
 * measured it faster than the fallback at every size, the empty input
 * included (a call into WASM costs less than the fallback's 64-bit arithmetic
 * on 32-bit halves).
 *
 * @example
 * ```ts
 * import { createXxh128, xxh128 } from "./hash.ts";
 * xxh128(new TextEncoder().encode("abc")); // "06b05ab6733a618578af5f94892f3950"
 * const h = createXxh128();
 * h.update(new TextEncoder().encode("a"));
 * h.update(new TextEncoder().encode("bc"));
 * h.digest(); // the same
 * ```
 *
 * @module
 */
import { hashKernel, KernelHasher, xxh128Kernel } from "./xxh128_kernel.ts";
import { Xxh128Ts, xxh128Ts } from "./xxh128_ts.ts";

/** An implementation of the hash: the WASM kernel or the pure-TS fallback. */
export type HashImpl = "wasm" | "ts";

/** A streaming hash: `update()` with each chunk, then `digest()`. */
export interface Xxh128 {
  /** Adds the next bytes. */
  update(bytes: Uint8Array): void;
  /** The hash of everything added so far (32 hex digits); more may be added after. */
  digest(): string;
}

/** Digest words, reused: hashing allocates only the resulting string. */
const WORDS = new Uint32Array(4);

/** Char codes of the hex digits, and the digits of a hash being formatted (one string made). */
const DIGITS = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const CODES = new Array<number>(32).fill(0);

function hex(w: Uint32Array): string {
  for (let i = 0, k = 0; i < 4; i++) {
    const x = w[i]!;
    for (let shift = 28; shift >= 0; shift -= 4) CODES[k++] = DIGITS[(x >>> shift) & 15]!;
  }
  return String.fromCharCode.apply(null, CODES);
}

/**
 * The XXH3-128 hash of bytes.
 *
 * @param bytes The bytes.
 * @param impl Force an implementation (tests, benchmarks); the kernel when
 *   available otherwise. `"wasm"` throws when the kernel is unavailable.
 * @returns 32 hex digits.
 */
export function xxh128(bytes: Uint8Array, impl?: HashImpl): string {
  const k = impl === "ts" ? null : hashKernel();
  if (impl === "wasm" && !k) throw new Error("The WASM hash kernel is unavailable");
  if (k) xxh128Kernel(k, bytes, WORDS);
  else xxh128Ts(bytes, WORDS);
  return hex(WORDS);
}

/**
 * Starts a streaming XXH3-128 hash.
 *
 * @param impl Force an implementation; the kernel when available otherwise.
 * @returns The hasher.
 */
export function createXxh128(impl?: HashImpl): Xxh128 {
  const k = impl === "ts" ? null : hashKernel();
  if (impl === "wasm" && !k) throw new Error("The WASM hash kernel is unavailable");
  const state = k ? new KernelHasher(k) : new Xxh128Ts();
  return {
    update: (bytes) => state.update(bytes),
    digest() {
      state.digest(WORDS);
      return hex(WORDS);
    },
  };
}
