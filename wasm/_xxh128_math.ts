/**
 * The parts of the pure-TS XXH3-128 (`xxh128_ts.ts`) other than the
 * long-input loop: 64-bit arithmetic on pairs of 32-bit halves, the default
 * secret, the final mixes, and the hash of inputs of up to 240 bytes. Ported,
 * like the kernel `assembly/xxh128.ts`, from xxHash's `xxhash.h`
 * (BSD-2-Clause); JavaScript numbers hold 53 bits exactly, so every 64-bit
 * value is two unsigned 32-bit halves `(hi, lo)` here.
 *
 * Results come back in {@linkcode R} rather than as arrays, so that hashing
 * allocates nothing.
 *
 * @module
 */

/**
 * Result registers: a 64-bit result is `R[0]` (high half) and `R[1]` (low
 * half); a 128-bit one adds its high 64 bits in `R[2]`, `R[3]`.
 */
export const R: Uint32Array = new Uint32Array(4);

/** xxHash's default secret (`XXH3_kSecret`), 192 bytes. */
const SECRET_HEX =
  "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221" +
  "b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8" +
  "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb" +
  "170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e";

const SECRET_BYTES = new Uint8Array(192);
for (let i = 0; i < 192; i++) SECRET_BYTES[i] = parseInt(SECRET_HEX.slice(2 * i, 2 * i + 2), 16);
/** The secret, read little-endian at any offset. */
export const SECRET: DataView = new DataView(SECRET_BYTES.buffer);

/** Halves of xxHash's primes. */
export const P32_1 = 0x9E3779B1;
export const P32_2 = 0x85EBCA77;
export const P32_3 = 0xC2B2AE3D;
export const P64_1_HI = 0x9E3779B1, P64_1_LO = 0x85EBCA87;
export const P64_2_HI = 0xC2B2AE3D, P64_2_LO = 0x27D4EB4F;
export const P64_3_HI = 0x165667B1, P64_3_LO = 0x9E3779F9;
export const P64_4_HI = 0x85EBCA77, P64_4_LO = 0xC2B2AE63;
export const P64_5_HI = 0x27D4EB2F, P64_5_LO = 0x165667C5;
const MX1_HI = 0x16566791, MX1_LO = 0x9E3779F9;

/** `(hi, lo) + (hi, lo)` into `R[0]`, `R[1]`. */
export function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  R[1] = lo;
  R[0] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

/** `(hi, lo) - (hi, lo)` into `R[0]`, `R[1]`. */
export function sub64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al - bl;
  R[1] = lo;
  R[0] = ah - bh - (lo < 0 ? 1 : 0);
}

/** The full 64-bit product of two unsigned 32-bit numbers into `R[0]`, `R[1]`. */
export function mul32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33, exact
  const midLo = mid % 65536;
  const lo = a0 * b0 + midLo * 65536; // < 2^33
  const low = lo >>> 0;
  R[1] = low;
  R[0] = a1 * b1 + (mid - midLo) / 65536 + (lo - low) / 4294967296;
}

/** The low 64 bits of a 64×64-bit product into `R[0]`, `R[1]`. */
export function mul64(ah: number, al: number, bh: number, bl: number): void {
  mul32(al, bl);
  R[0] = R[0]! + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** The 128-bit product of two 64-bit numbers: low half in `R[0]`, `R[1]`, high in `R[2]`, `R[3]`. */
export function mul128(ah: number, al: number, bh: number, bl: number): void {
  mul32(al, bl);
  const p0h = R[0]!, p0l = R[1]!;
  mul32(ah, bl);
  const p1h = R[0]!, p1l = R[1]!;
  mul32(al, bh);
  const p2h = R[0]!, p2l = R[1]!;
  mul32(ah, bh);
  const p3h = R[0]!, p3l = R[1]!;
  const cross = p0h + p1l + p2l; // < 3 × 2^32
  const crossLo = cross >>> 0;
  const crossHi = p2h + (cross - crossLo) / 4294967296;
  const upper = p1h + crossHi + p3l;
  const upperLo = upper >>> 0;
  R[3] = upperLo;
  R[2] = p3h + (upper - upperLo) / 4294967296;
  R[1] = p0l;
  R[0] = crossLo;
}

/** The xor of both halves of a 128-bit product (`XXH3_mul128_fold64`) into `R[0]`, `R[1]`. */
export function fold64(ah: number, al: number, bh: number, bl: number): void {
  mul128(ah, al, bh, bl);
  R[0] = R[0]! ^ R[2]!;
  R[1] = R[1]! ^ R[3]!;
}

/** `XXH3_avalanche` into `R[0]`, `R[1]`. */
export function avalanche(h: number, l: number): void {
  l = (l ^ (h >>> 5)) >>> 0; // h ^= h >> 37
  mul64(h, l, MX1_HI, MX1_LO);
  R[1] = R[1]! ^ R[0]!; // h ^= h >> 32
}

/** `XXH64_avalanche` into `R[0]`, `R[1]`. */
export function avalanche64(h: number, l: number): void {
  l = (l ^ (h >>> 1)) >>> 0; // h ^= h >> 33
  mul64(h, l, P64_2_HI, P64_2_LO);
  h = R[0]!;
  l = R[1]!;
  l = (l ^ ((l >>> 29) | (h << 3))) >>> 0; // h ^= h >> 29
  h = (h ^ (h >>> 29)) >>> 0;
  mul64(h, l, P64_3_HI, P64_3_LO);
  R[1] = R[1]! ^ R[0]!; // h ^= h >> 32
}

/** Reverses the bytes of a 32-bit number. */
export function bswap32(x: number): number {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
