/**
 * XXH3-128 in plain TypeScript: the fallback of the WASM kernel
 * (`assembly/xxh128.ts`), the same algorithm step for step (xxHash's
 * `xxhash.h`, seed 0, default secret), with 64-bit values as pairs of 32-bit
 * halves. It runs wherever the kernel cannot be loaded, or when `RAIN_WASM=0`.
 *
 * @module
 */
import {
  avalanche,
  fold64,
  mul32,
  mul64,
  P32_1,
  P32_2,
  P32_3,
  P64_1_HI,
  P64_1_LO,
  P64_2_HI,
  P64_2_LO,
  P64_3_HI,
  P64_3_LO,
  P64_4_HI,
  P64_4_LO,
  P64_5_HI,
  P64_5_LO,
  R,
  SECRET,
} from "./_xxh128_math.ts";
import { hashShortTs } from "./_xxh128_short.ts";

/** Stripes of 64 bytes per block (a 192-byte secret consumed 8 bytes per stripe). */
const STRIPES_PER_BLOCK = 16;
/** The streaming buffer, four stripes. */
const BUFFER_SIZE = 256;

/** Secret words (little-endian u32s) for the stripes, the scrambler and the last stripe. */
const KEY = new Uint32Array(48);
for (let i = 0; i < 48; i++) KEY[i] = SECRET.getUint32(4 * i, true);
const LAST_KEY = new Uint32Array(16);
for (let i = 0; i < 16; i++) LAST_KEY[i] = SECRET.getUint32(128 - 7 + 4 * i, true);

/** The initial accumulators (`XXH3_INIT_ACC`), as (low, high) u32 pairs. */
const INIT_ACC = new Uint32Array([
  P32_3,
  0,
  P64_1_LO,
  P64_1_HI,
  P64_2_LO,
  P64_2_HI,
  P64_3_LO,
  P64_3_HI,
  P64_4_LO,
  P64_4_HI,
  P32_2,
  0,
  P64_5_LO,
  P64_5_HI,
  P32_1,
  0,
]);

/**
 * Adds one stripe at byte `p` of `v`, keyed by `key` from word `k`, to `acc`
 * (eight lanes as (low, high) u32 pairs): each lane gets its neighbour's
 * input word plus the product of the halves of its own input xor the key.
 */
function stripe(acc: Uint32Array, v: DataView, p: number, key: Uint32Array, k: number): void {
  for (let lane = 0; lane < 16; lane += 2) {
    const dl = v.getUint32(p + 4 * lane, true), dh = v.getUint32(p + 4 * lane + 4, true);
    const j = lane ^ 2;
    const s = acc[j]! + dl;
    acc[j] = s;
    acc[j + 1] = acc[j + 1]! + dh + (s > 0xffffffff ? 1 : 0);
    mul32((dl ^ key[k + lane]!) >>> 0, (dh ^ key[k + lane + 1]!) >>> 0);
    const t = acc[lane]! + R[1]!;
    acc[lane] = t;
    acc[lane + 1] = acc[lane + 1]! + R[0]! + (t > 0xffffffff ? 1 : 0);
  }
}

/** `XXH3_scrambleAcc`: `acc = (acc ^ (acc >> 47) ^ key) * PRIME32_1`. */
function scramble(acc: Uint32Array): void {
  for (let lane = 0; lane < 16; lane += 2) {
    const h = (acc[lane + 1]! ^ KEY[32 + lane + 1]!) >>> 0;
    const l = (acc[lane]! ^ (acc[lane + 1]! >>> 15) ^ KEY[32 + lane]!) >>> 0;
    mul32(l, P32_1);
    acc[lane] = R[1]!;
    acc[lane + 1] = R[0]! + Math.imul(h, P32_1);
  }
}

/** Consumes `count` stripes from byte `p` of `v`; returns the new count of stripes in the block. */
function consume(acc: Uint32Array, soFar: number, v: DataView, p: number, count: number): number {
  while (count > 0) {
    const n = Math.min(count, STRIPES_PER_BLOCK - soFar);
    for (let i = 0; i < n; i++, p += 64) stripe(acc, v, p, KEY, 2 * (soFar + i));
    count -= n;
    soFar += n;
    if (soFar === STRIPES_PER_BLOCK) {
      scramble(acc);
      soFar = 0;
    }
  }
  return soFar;
}

/** `XXH3_mergeAccs` of `acc` with the secret from byte `s`, into `R[0]`, `R[1]`. */
function mergeAccs(acc: Uint32Array, s: number, startH: number, startL: number): void {
  let h = startH, l = startL;
  for (let i = 0; i < 4; i++) {
    const a = 4 * i, o = s + 16 * i;
    fold64(
      (acc[a + 1]! ^ SECRET.getUint32(o + 4, true)) >>> 0,
      (acc[a]! ^ SECRET.getUint32(o, true)) >>> 0,
      (acc[a + 3]! ^ SECRET.getUint32(o + 12, true)) >>> 0,
      (acc[a + 2]! ^ SECRET.getUint32(o + 8, true)) >>> 0,
    );
    const sum = l + R[1]!;
    l = sum >>> 0;
    h = (h + R[0]! + (sum > 0xffffffff ? 1 : 0)) >>> 0;
  }
  avalanche(h, l);
}

/** Writes the hash of long-input accumulators for `total` bytes (in canonical word order). */
function finishLong(acc: Uint32Array, total: number, out: Uint32Array): void {
  const totalH = Math.floor(total / 4294967296), totalL = total >>> 0;
  mul64(totalH, totalL, P64_1_HI, P64_1_LO);
  mergeAccs(acc, 11, R[0]!, R[1]!);
  out[2] = R[0]!;
  out[3] = R[1]!;
  mul64(totalH, totalL, P64_2_HI, P64_2_LO);
  mergeAccs(acc, 192 - 64 - 11, ~R[0]! >>> 0, ~R[1]! >>> 0);
  out[0] = R[0]!;
  out[1] = R[1]!;
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A streaming XXH3-128 in TypeScript (`XXH3_128bits_update` / `_digest`). */
export class Xxh128Ts {
  readonly #acc = new Uint32Array(INIT_ACC);
  readonly #buffer = new Uint8Array(BUFFER_SIZE);
  readonly #bufferView = viewOf(this.#buffer);
  #buffered = 0;
  #soFar = 0;
  #total = 0;

  /**
   * Adds bytes.
   *
   * @param b The next bytes.
   */
  update(b: Uint8Array): void {
    const len = b.length;
    this.#total += len;
    const buffer = this.#buffer;
    if (len <= BUFFER_SIZE - this.#buffered) {
      buffer.set(b, this.#buffered);
      this.#buffered += len;
      return;
    }
    // Fill the buffer up and consume it, then whole stripes of the input,
    // always keeping the last bytes (and the stripe before them) for the digest.
    let p = 0;
    if (this.#buffered > 0) {
      p = BUFFER_SIZE - this.#buffered;
      buffer.set(b.subarray(0, p), this.#buffered);
      this.#soFar = consume(this.#acc, this.#soFar, this.#bufferView, 0, BUFFER_SIZE / 64);
      this.#buffered = 0;
    }
    if (len - p > BUFFER_SIZE) {
      const count = Math.floor((len - 1 - p) / 64);
      this.#soFar = consume(this.#acc, this.#soFar, viewOf(b), p, count);
      p += count * 64;
      buffer.set(b.subarray(p - 64, p), BUFFER_SIZE - 64);
    }
    buffer.set(b.subarray(p), 0);
    this.#buffered = len - p;
  }

  /**
   * The hash of everything added so far; the state is left as it was.
   *
   * @param out Receives the hash as four u32 words in canonical order.
   */
  digest(out: Uint32Array): void {
    const buffer = this.#buffer;
    if (this.#total <= 240) return hashShortTs(buffer, 0, this.#total, out);
    const acc = new Uint32Array(this.#acc);
    let last: DataView, at: number;
    if (this.#buffered >= 64) {
      const count = Math.floor((this.#buffered - 1) / 64);
      consume(acc, this.#soFar, this.#bufferView, 0, count);
      last = this.#bufferView;
      at = this.#buffered - 64;
    } else {
      const stripe64 = new Uint8Array(64);
      const catchUp = 64 - this.#buffered;
      stripe64.set(buffer.subarray(BUFFER_SIZE - catchUp), 0);
      stripe64.set(buffer.subarray(0, this.#buffered), catchUp);
      last = viewOf(stripe64);
      at = 0;
    }
    stripe(acc, last, at, LAST_KEY, 0);
    finishLong(acc, this.#total, out);
  }
}

/**
 * XXH3-128 of bytes in one go.
 *
 * @param b The bytes.
 * @param out Receives the hash as four u32 words in canonical order.
 */
export function xxh128Ts(b: Uint8Array, out: Uint32Array): void {
  if (b.length <= 240) return hashShortTs(b, 0, b.length, out);
  const acc = new Uint32Array(INIT_ACC);
  const v = viewOf(b);
  consume(acc, 0, v, 0, Math.floor((b.length - 1) / 64));
  stripe(acc, v, b.length - 64, LAST_KEY, 0);
  finishLong(acc, b.length, out);
}
