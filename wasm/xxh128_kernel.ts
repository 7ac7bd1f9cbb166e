/**
 * Driving the XXH3-128 kernel (`assembly/xxh128.ts`) from JavaScript: bytes
 * are copied into linear memory in chunks of {@linkcode KERNEL_CHUNK} (small
 * enough to stay in the CPU's cache between the copy and the hash) and hashed
 * there.
 *
 * One instance serves every hasher of the process. Its memory holds one
 * streaming state: the hasher that used it last leaves its state there, and
 * another hasher first saves it back into that hasher's own copy. So a
 * transfer hashing chunk after chunk copies no state at all, and a hasher that
 * is dropped half-way leaks nothing.
 *
 * @module
 */
import { instantiateKernels, PAGE } from "./kernels.ts";

/** Bytes copied into linear memory per kernel call. */
export const KERNEL_CHUNK = 256 * 1024;

/** The hashing exports of `kernels.wasm`. */
interface HashExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  stateSize(): number;
  hash(p: number, len: number, out: number): void;
  init(state: number): void;
  update(state: number, p: number, len: number): void;
  digest(state: number, out: number): void;
}

/** The kernel instance and its memory layout: state, digest, input chunk. */
class HashKernel {
  readonly #e: HashExports;
  readonly stateSize: number;
  readonly #state: number;
  readonly #out: number;
  readonly #input: number;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** The hasher whose state is in linear memory. */
  #resident: KernelHasher | null = null;

  constructor(e: HashExports) {
    this.#e = e;
    this.stateSize = e.stateSize();
    this.#state = (e.heapBase() + 63) & ~63;
    this.#out = this.#state + ((this.stateSize + 63) & ~63);
    this.#input = this.#out + 64;
    const end = this.#input + KERNEL_CHUNK;
    const have = e.memory.buffer.byteLength;
    if (end > have) e.memory.grow(Math.ceil((end - have) / PAGE));
    const buffer = e.memory.buffer as ArrayBuffer; // not shared
    this.#bytes = new Uint8Array(buffer);
    this.#view = new DataView(buffer);
  }

  /** One-shot hash of at most {@linkcode KERNEL_CHUNK} bytes (leaves the resident state alone). */
  hashSmall(b: Uint8Array, out: Uint32Array): void {
    this.#bytes.set(b, this.#input);
    this.#e.hash(this.#input, b.length, this.#out);
    this.#read(out);
  }

  /** Makes `h`'s state the one in linear memory. */
  #claim(h: KernelHasher): void {
    const resident = this.#resident;
    if (resident === h) return;
    const state = this.#state;
    if (resident) resident.saved.set(this.#bytes.subarray(state, state + this.stateSize));
    if (h.started) this.#bytes.set(h.saved, state);
    else {
      this.#e.init(state);
      h.started = true;
    }
    this.#resident = h;
  }

  update(h: KernelHasher, b: Uint8Array): void {
    this.#claim(h);
    const { update } = this.#e;
    for (let at = 0; at < b.length; at += KERNEL_CHUNK) {
      const chunk = b.subarray(at, at + KERNEL_CHUNK);
      this.#bytes.set(chunk, this.#input);
      update(this.#state, this.#input, chunk.length);
    }
  }

  digest(h: KernelHasher, out: Uint32Array): void {
    this.#claim(h);
    this.#e.digest(this.#state, this.#out);
    this.#read(out);
  }

  /** Reads the canonical digest as four big-endian words. */
  #read(out: Uint32Array): void {
    const v = this.#view, o = this.#out;
    out[0] = v.getUint32(o);
    out[1] = v.getUint32(o + 4);
    out[2] = v.getUint32(o + 8);
    out[3] = v.getUint32(o + 12);
  }
}

/** A streaming XXH3-128 run by the kernel. */
export class KernelHasher {
  /** Whether the state was initialised. */
  started = false;
  /** The state, while another hasher's is in linear memory. */
  readonly saved: Uint8Array;
  readonly #kernel: HashKernel;

  /** @param kernel The kernel instance. */
  constructor(kernel: HashKernel) {
    this.#kernel = kernel;
    this.saved = new Uint8Array(kernel.stateSize);
  }

  /**
   * Adds bytes.
   *
   * @param b The next bytes.
   */
  update(b: Uint8Array): void {
    this.#kernel.update(this, b);
  }

  /**
   * The hash of everything added so far; the state is left as it was.
   *
   * @param out Receives the hash as four u32 words in canonical order.
   */
  digest(out: Uint32Array): void {
    this.#kernel.digest(this, out);
  }
}

/** The kernel instance, made on first use; `null` when the kernels are unavailable. */
let kernel: HashKernel | null | undefined;

/**
 * The process's hash kernel, instantiated on first use.
 *
 * @returns The kernel, or `null` when WASM kernels are unavailable.
 */
export function hashKernel(): HashKernel | null {
  if (kernel === undefined) {
    const e = instantiateKernels();
    kernel = e ? new HashKernel(e as unknown as HashExports) : null;
  }
  return kernel;
}

/**
 * XXH3-128 of bytes with the kernel.
 *
 * @param k The kernel.
 * @param b The bytes.
 * @param out Receives the hash as four u32 words in canonical order.
 */
export function xxh128Kernel(k: HashKernel, b: Uint8Array, out: Uint32Array): void {
  if (b.length <= KERNEL_CHUNK) return k.hashSmall(b, out);
  const h = new KernelHasher(k);
  h.update(b);
  h.digest(out);
}

export type { HashKernel };
