/**
 * Pure-TS XXH3-128 of inputs of up to 240 bytes (xxHash's `len_0to16`,
 * `len_17to128` and `len_129to240` paths, seed 0, default secret); see
 * `_xxh128_math.ts` for how 64-bit values are held.
 *
 * @module
 */
import {
  add64,
  avalanche,
  avalanche64,
  bswap32,
  fold64,
  mul128,
  mul32,
  mul64,
  P32_2,
  P64_1_HI,
  P64_1_LO,
  P64_2_HI,
  P64_2_LO,
  P64_4_HI,
  P64_4_LO,
  R,
  SECRET,
  sub64,
} from "./_xxh128_math.ts";

/** Reads a little-endian u32 of `b` at `i` (no view needed, so nothing is allocated). */
function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** The secret's little-endian u32 at byte offset `i`. */
function s32(i: number): number {
  return SECRET.getUint32(i, true);
}

/** Writes a 128-bit result in canonical order: high half first, each half high word first. */
function put(out: Uint32Array, lowH: number, lowL: number, highH: number, highL: number): void {
  out[0] = highH;
  out[1] = highL;
  out[2] = lowH;
  out[3] = lowL;
}

function len1to3(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  const c1 = b[at]!, c2 = b[at + (len >> 1)]!, c3 = b[at + len - 1]!;
  const lo = ((c1 << 16) | (c2 << 24) | c3 | (len << 8)) >>> 0;
  const swapped = bswap32(lo);
  const hi = ((swapped << 13) | (swapped >>> 19)) >>> 0;
  avalanche64(0, (lo ^ s32(0) ^ s32(4)) >>> 0);
  const lowH = R[0]!, lowL = R[1]!;
  avalanche64(0, (hi ^ s32(8) ^ s32(12)) >>> 0);
  put(out, lowH, lowL, R[0]!, R[1]!);
}

function len4to8(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  const keyedH = (u32(b, at + len - 4) ^ s32(20) ^ s32(28)) >>> 0;
  const keyedL = (u32(b, at) ^ s32(16) ^ s32(24)) >>> 0;
  add64(P64_1_HI, P64_1_LO, 0, len << 2);
  mul128(keyedH, keyedL, R[0]!, R[1]!);
  let lowH = R[0]!, lowL = R[1]!;
  add64(R[2]!, R[3]!, ((lowH << 1) | (lowL >>> 31)) >>> 0, (lowL << 1) >>> 0); // high += low << 1
  const highH = R[0]!, highL = R[1]!;
  lowL = (lowL ^ ((highL >>> 3) | (highH << 29))) >>> 0; // low ^= high >> 3
  lowH = (lowH ^ (highH >>> 3)) >>> 0;
  lowL = (lowL ^ (lowH >>> 3)) >>> 0; // low ^= low >> 35
  mul64(lowH, lowL, 0x9FB21C65, 0x1E98DF25);
  lowH = R[0]!;
  lowL = (R[1]! ^ ((R[1]! >>> 28) | (lowH << 4))) >>> 0; // low ^= low >> 28
  lowH = (lowH ^ (lowH >>> 28)) >>> 0;
  avalanche(highH, highL);
  put(out, lowH, lowL, R[0]!, R[1]!);
}

function len9to16(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  const inLoL = u32(b, at), inLoH = u32(b, at + 4);
  let inHiL = u32(b, at + len - 8), inHiH = u32(b, at + len - 4);
  mul128(
    (inLoH ^ inHiH ^ s32(36) ^ s32(44)) >>> 0,
    (inLoL ^ inHiL ^ s32(32) ^ s32(40)) >>> 0,
    P64_1_HI,
    P64_1_LO,
  );
  const mHighH0 = R[2]!, mHighL0 = R[3]!;
  add64(R[0]!, R[1]!, ((len - 1) << 22) >>> 0, 0); // mLow += (len - 1) << 54
  let mLowH = R[0]!, mLowL = R[1]!;
  inHiH = (inHiH ^ s32(52) ^ s32(60)) >>> 0;
  inHiL = (inHiL ^ s32(48) ^ s32(56)) >>> 0;
  mul32(inHiL, P32_2 - 1);
  add64(R[0]!, R[1]!, inHiH, inHiL);
  add64(mHighH0, mHighL0, R[0]!, R[1]!);
  const mHighH = R[0]!, mHighL = R[1]!;
  mLowH = (mLowH ^ bswap32(mHighL)) >>> 0; // mLow ^= bswap64(mHigh)
  mLowL = (mLowL ^ bswap32(mHighH)) >>> 0;
  mul128(mLowH, mLowL, P64_2_HI, P64_2_LO);
  const hLowH = R[0]!, hLowL = R[1]!, hHighH = R[2]!, hHighL = R[3]!;
  mul64(mHighH, mHighL, P64_2_HI, P64_2_LO);
  add64(hHighH, hHighL, R[0]!, R[1]!);
  const highH = R[0]!, highL = R[1]!;
  avalanche(hLowH, hLowL);
  const lowH = R[0]!, lowL = R[1]!;
  avalanche(highH, highL);
  put(out, lowH, lowL, R[0]!, R[1]!);
}

/** The accumulator pair of `XXH128_mix32B`. */
let accLowH = 0, accLowL = 0, accHighH = 0, accHighL = 0;

/** `XXH3_mix16B` with seed 0, into `R[0]`, `R[1]`. */
function mix16(b: Uint8Array, p: number, s: number): void {
  fold64(
    (u32(b, p + 4) ^ s32(s + 4)) >>> 0,
    (u32(b, p) ^ s32(s)) >>> 0,
    (u32(b, p + 12) ^ s32(s + 12)) >>> 0,
    (u32(b, p + 8) ^ s32(s + 8)) >>> 0,
  );
}

/** `XXH128_mix32B` on the accumulator pair, seed 0. */
function mix32(b: Uint8Array, p: number, q: number, s: number): void {
  mix16(b, p, s);
  add64(accLowH, accLowL, R[0]!, R[1]!);
  const lowH = R[0]!, lowL = R[1]!;
  add64(u32(b, q + 4), u32(b, q), u32(b, q + 12), u32(b, q + 8));
  accLowH = (lowH ^ R[0]!) >>> 0;
  accLowL = (lowL ^ R[1]!) >>> 0;
  mix16(b, q, s + 16);
  add64(accHighH, accHighL, R[0]!, R[1]!);
  const highH = R[0]!, highL = R[1]!;
  add64(u32(b, p + 4), u32(b, p), u32(b, p + 12), u32(b, p + 8));
  accHighH = (highH ^ R[0]!) >>> 0;
  accHighL = (highL ^ R[1]!) >>> 0;
}

function startMid(len: number): void {
  mul64(0, len, P64_1_HI, P64_1_LO);
  accLowH = R[0]!;
  accLowL = R[1]!;
  accHighH = accHighL = 0;
}

function finishMid(len: number, out: Uint32Array): void {
  mul64(accLowH, accLowL, P64_1_HI, P64_1_LO);
  const aH = R[0]!, aL = R[1]!;
  mul64(accHighH, accHighL, P64_4_HI, P64_4_LO);
  add64(aH, aL, R[0]!, R[1]!);
  const bH = R[0]!, bL = R[1]!;
  mul64(0, len, P64_2_HI, P64_2_LO);
  add64(bH, bL, R[0]!, R[1]!);
  const highH = R[0]!, highL = R[1]!;
  add64(accLowH, accLowL, accHighH, accHighL);
  avalanche(R[0]!, R[1]!);
  const lowH = R[0]!, lowL = R[1]!;
  avalanche(highH, highL);
  sub64(0, 0, R[0]!, R[1]!);
  put(out, lowH, lowL, R[0]!, R[1]!);
}

function len17to128(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  startMid(len);
  const end = at + len;
  if (len > 32) {
    if (len > 64) {
      if (len > 96) mix32(b, at + 48, end - 64, 96);
      mix32(b, at + 32, end - 48, 64);
    }
    mix32(b, at + 16, end - 32, 32);
  }
  mix32(b, at, end - 16, 0);
  finishMid(len, out);
}

function len129to240(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  startMid(len);
  for (let i = 32; i < 160; i += 32) mix32(b, at + i - 32, at + i - 16, i - 32);
  avalanche(accLowH, accLowL);
  accLowH = R[0]!;
  accLowL = R[1]!;
  avalanche(accHighH, accHighL);
  accHighH = R[0]!;
  accHighL = R[1]!;
  for (let i = 160; i <= len; i += 32) mix32(b, at + i - 32, at + i - 16, 3 + i - 160);
  mix32(b, at + len - 16, at + len - 32, 136 - 17 - 16);
  finishMid(len, out);
}

/**
 * XXH3-128 of `len` ≤ 240 bytes of `b` from `at`.
 *
 * @param b The bytes.
 * @param at Where the input starts.
 * @param len Its length, at most 240.
 * @param out Receives the hash as four u32 words in canonical order (high
 *   64 bits first, each half high word first).
 */
export function hashShortTs(b: Uint8Array, at: number, len: number, out: Uint32Array): void {
  if (len > 128) len129to240(b, at, len, out);
  else if (len > 16) len17to128(b, at, len, out);
  else if (len > 8) len9to16(b, at, len, out);
  else if (len >= 4) len4to8(b, at, len, out);
  else if (len > 0) len1to3(b, at, len, out);
  else {
    avalanche64((s32(68) ^ s32(76)) >>> 0, (s32(64) ^ s32(72)) >>> 0);
    const lowH = R[0]!, lowL = R[1]!;
    avalanche64((s32(84) ^ s32(92)) >>> 0, (s32(80) ^ s32(88)) >>> 0);
    put(out, lowH, lowL, R[0]!, R[1]!);
  }
}
