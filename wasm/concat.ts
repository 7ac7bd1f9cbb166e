/**
 * The concat kernel (`assembly/concat.ts`) and its pure-TS fallback.
 *
 * Each public function picks the kernel only where `bench/wasm.ts` measured it
 * not slower than the fallback (see {@link chooseConcat}): nowhere, so far.
 * The kernel is instantiated on first use (`kernels.ts`); when it cannot be
 * loaded, the fallback runs, with the same bytes.
 *
 * @module
 */
import { kernelModule, PAGE, wasmStatus } from "./kernels.ts";

/**
 * Most linear memory a kernel call may use (the module's maximum, 1 GiB);
 * larger inputs go to the TS fallback.
 */
export const KERNEL_MEMORY_LIMIT: number = 16384 * PAGE;

/**
 * Linear memory kept between calls, by default; after a call that grew it
 * beyond this, the instance is replaced by a fresh one so that the governor
 * does not hold the memory of its largest concat forever (WASM memory cannot
 * shrink).
 */
export const KERNEL_MEMORY_RETAINED: number = 64 * 1024 * 1024;

let retained = KERNEL_MEMORY_RETAINED;

/**
 * Sets how much linear memory the kernels keep between calls (for
 * benchmarks: the kernel's best case keeps all of it).
 *
 * @param bytes The new limit.
 * @returns The previous limit.
 */
export function setKernelMemoryRetained(bytes: number): number {
  const before = retained;
  retained = bytes;
  return before;
}

/** The exports of `kernels.wasm`. */
interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  concat(table: number, count: number, out: number): number;
}

/** One instance of the compiled kernels, re-made when it grew too much. */
class Kernels {
  readonly #module: WebAssembly.Module;
  #exports!: Exports;
  #base = 0;
  /** Views of the current memory buffer (a grow detaches it and makes new ones). */
  #bytes = new Uint8Array(0);
  #words = new Uint32Array(0);

  constructor(module: WebAssembly.Module) {
    this.#module = module;
    this.#reset();
  }

  #reset(): void {
    // WebAssembly types exports generically; these are the kernels' (wasm/assembly/).
    this.#exports = new WebAssembly.Instance(this.#module, {}).exports as unknown as Exports;
    // The table of u32 pairs starts here, so keep it 8-aligned.
    this.#base = (this.#exports.heapBase() + 7) & ~7;
    this.#views();
  }

  #views(): void {
    const buffer = this.#exports.memory.buffer as ArrayBuffer; // Not shared.
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Uint32Array(buffer);
  }

  /**
   * Concatenates with the kernel: the parts are written straight into linear
   * memory with a table of their `(offset, length)`, the kernel gathers them
   * into the output range with `memory.copy`, and the output is copied out
   * into a fresh array (the caller owns it; linear memory is reused).
   *
   * @returns The concatenation, or `null` when the memory cannot grow enough.
   */
  concat(parts: readonly Uint8Array[], total: number): Uint8Array | null {
    const count = parts.length;
    const table = this.#base;
    const staged = table + count * 8;
    const out = staged + total;
    const end = out + total;
    if (end > KERNEL_MEMORY_LIMIT) return null;
    let bytes = this.#bytes;
    if (end > bytes.length) {
      try {
        this.#exports.memory.grow(Math.ceil((end - bytes.length) / PAGE));
      } catch {
        return null; // Over the module's maximum or out of memory.
      }
      this.#views();
      bytes = this.#bytes;
    }
    const words = this.#words;
    let at = staged;
    for (let i = 0, w = table >>> 2; i < count; i++, w += 2) {
      const p = parts[i]!;
      bytes.set(p, at);
      words[w] = at;
      words[w + 1] = p.length;
      at += p.length;
    }
    this.#exports.concat(table, count, out);
    const result = bytes.slice(out, end);
    if (bytes.length > retained) this.#reset();
    return result;
  }
}

/** The concat kernel, instantiated on first use; `null` when the kernels are unavailable. */
let kernels: Kernels | null | undefined;

function concatKernel(): Kernels | null {
  if (kernels === undefined) {
    const module = kernelModule();
    kernels = module ? new Kernels(module) : null;
  }
  return kernels;
}

/**
 * Joins byte arrays into one: the pure-TS fallback (one `Uint8Array.set`, i.e.
 * one memcpy, per part).
 *
 * @param parts The parts in order.
 * @returns A new array holding every part.
 */
export function concatBytesTs(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  return concatTs(parts, total);
}

function concatTs(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Joins byte arrays into one with the WASM kernel, whatever the sizes (for
 * tests and benchmarks; {@link concatBytes} chooses).
 *
 * @param parts The parts in order.
 * @returns A new array holding every part.
 * @throws {Error} When the kernels are not loaded, or the parts do not fit in
 *   {@link KERNEL_MEMORY_LIMIT}.
 */
export function concatBytesWasm(parts: readonly Uint8Array[]): Uint8Array {
  const kernel = concatKernel();
  if (!kernel) throw new Error(`WASM kernels unavailable: ${wasmStatus().error}`);
  let total = 0;
  for (const p of parts) total += p.length;
  const out = kernel.concat(parts, total);
  if (!out) throw new Error(`WASM concat: ${total} bytes do not fit in the kernel's memory`);
  return out;
}

/**
 * Which implementation {@link concatBytes} uses for `count` parts of `total`
 * bytes.
 *
 * Measured by `bench/wasm.ts` (see README, "WASM kernels"): the kernel is
 * slower at every size, because the inputs live in JS memory. Getting them
 * into linear memory already takes one memcpy per part, which is all the TS
 * fallback does (into its output), and the result must be copied back out
 * into a JS-owned array; the kernel's own `memory.copy` is extra work on top.
 * So the kernel is chosen for no size; it is kept, tested and benchmarked so
 * that the choice stays a measured one.
 *
 * @param count How many parts.
 * @param total Their total size in bytes.
 * @param available Whether the kernels are loaded.
 * @returns `"wasm"` or `"ts"`.
 */
export function chooseConcat(count: number, total: number, available: boolean): "wasm" | "ts" {
  if (!available || !concatFits(count, total)) return "ts";
  // A loop, not some(): this runs for every concat, and a closure would be allocated each time.
  for (const r of CONCAT_KERNEL_WINS) {
    if (count >= r.minParts && total >= r.minBytes && total <= r.maxBytes) return "wasm";
  }
  return "ts";
}

/** Whether a concat fits in {@link KERNEL_MEMORY_LIMIT} (with a page for the kernels' own data). */
function concatFits(count: number, total: number): boolean {
  return PAGE + 8 * count + 2 * total <= KERNEL_MEMORY_LIMIT;
}

/**
 * Where `bench/wasm.ts` measured the concat kernel at least as fast as the TS
 * fallback: nowhere (2×16 B to 2×64 MiB, 1.0–1.8× slower, 3–5× when its
 * memory is released after the call).
 */
const CONCAT_KERNEL_WINS: readonly { minParts: number; minBytes: number; maxBytes: number }[] = [];

/**
 * Joins byte arrays into one, with the kernel or the TS fallback as
 * {@link chooseConcat} decides; the governor's `concat` built-in.
 *
 * @param parts The parts in order.
 * @returns A new array holding every part.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  // The kernel is only looked up (and loaded) when a measurement chose it for this size.
  if (chooseConcat(parts.length, total, true) === "wasm") {
    const out = concatKernel()?.concat(parts, total);
    if (out) return out;
  }
  return concatTs(parts, total);
}
