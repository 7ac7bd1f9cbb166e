/**
 * AssemblyScript kernel of XXH3-128 (xxHash's 128-bit XXH3, seed 0, default
 * secret): a one-shot hash and a streaming one (init/update/digest), compiled
 * by `wasm/build.ts` into `wasm/kernels.wasm` (not a Deno module). The
 * long-input loop uses 128-bit SIMD; `wasm/xxh128_ts.ts` is the same
 * algorithm in plain TypeScript.
 *
 * The caller (`wasm/xxh128_kernel.ts`) owns the linear memory above
 * `heapBase()` (`heap.ts`): a state of `STATE_SIZE` bytes, the input and the 16-byte
 * output. A digest is written in xxHash's canonical form: the high 64 bits
 * then the low 64 bits, both big-endian.
 *
 * Ported from the reference implementation, `xxhash.h` (BSD-2-Clause).
 *
 * @module
 */

const P32_1: u64 = 0x9E3779B1;
const P32_2: u64 = 0x85EBCA77;
const P32_3: u64 = 0xC2B2AE3D;
const P64_1: u64 = 0x9E3779B185EBCA87;
const P64_2: u64 = 0xC2B2AE3D27D4EB4F;
const P64_3: u64 = 0x165667B19E3779F9;
const P64_4: u64 = 0x85EBCA77C2B2AE63;
const P64_5: u64 = 0x27D4EB2F165667C5;
const MX2: u64 = 0x9FB21C651E98DF25;

/** xxHash's default secret (`XXH3_kSecret`), 192 bytes. */
// deno-fmt-ignore
const SECRET: usize = memory.data<u8>([
  0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
  0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
  0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
  0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
  0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
  0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
  0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
  0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
  0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
  0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
  0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
  0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
], 16);

/** Bytes of input per stripe, and stripes per block (secret of 192 bytes, 8 consumed per stripe). */
const STRIPE: usize = 64;
const STRIPES_PER_BLOCK: u32 = 16;
/** Where the scrambling key starts in the secret (`secretLimit`). */
const SECRET_LIMIT: usize = 128;
/** The streaming buffer's size, four stripes. */
const BUFFER_SIZE: u32 = 256;

// State layout: acc[8] u64, buffer[256], bufferedSize u32, stripesSoFar u32, totalLen u64.
const ACC: usize = 0;
const BUFFER: usize = 64;
const BUFFERED: usize = 320;
const STRIPES_SO_FAR: usize = 324;
const TOTAL: usize = 328;
/** Bytes of a streaming state. */
const STATE_SIZE: usize = 336;

/** Scratch accumulators and last stripe of a digest, which must leave its state as it was. */
const DIGEST_ACC: usize = memory.data(64, 16);
const LAST_STRIPE: usize = memory.data(64, 16);

/** Bytes of a streaming state (for the caller's layout). */
export function stateSize(): usize {
  return STATE_SIZE;
}

/** High half of the last {@link mul128}. */
let mulHigh: u64 = 0;

/** 64×64 → 128-bit product: returns the low half, leaves the high half in `mulHigh`. */
function mul128(a: u64, b: u64): u64 {
  const loLo = (a & 0xFFFFFFFF) * (b & 0xFFFFFFFF);
  const hiLo = (a >> 32) * (b & 0xFFFFFFFF);
  const loHi = (a & 0xFFFFFFFF) * (b >> 32);
  const hiHi = (a >> 32) * (b >> 32);
  const cross = (loLo >> 32) + (hiLo & 0xFFFFFFFF) + loHi;
  mulHigh = (hiLo >> 32) + (cross >> 32) + hiHi;
  return (cross << 32) | (loLo & 0xFFFFFFFF);
}

function fold64(a: u64, b: u64): u64 {
  const lo = mul128(a, b);
  return lo ^ mulHigh;
}

function avalanche(h: u64): u64 {
  h ^= h >> 37;
  h *= 0x165667919E3779F9;
  return h ^ (h >> 32);
}

function avalanche64(h: u64): u64 {
  h ^= h >> 33;
  h *= P64_2;
  h ^= h >> 29;
  h *= P64_3;
  return h ^ (h >> 32);
}

function mix16(p: usize, s: usize, seed: u64): u64 {
  return fold64(load<u64>(p) ^ (load<u64>(s) + seed), load<u64>(p, 8) ^ (load<u64>(s, 8) - seed));
}

/** Writes a 128-bit hash at `out`, canonical (big-endian, high half first). */
function put(out: usize, low: u64, high: u64): void {
  store<u64>(out, bswap<u64>(high));
  store<u64>(out, bswap<u64>(low), 8);
}

function len1to3(p: usize, len: usize, out: usize): void {
  const c1 = <u32> load<u8>(p);
  const c2 = <u32> load<u8>(p + (len >> 1));
  const c3 = <u32> load<u8>(p + len - 1);
  const lo = (c1 << 16) | (c2 << 24) | c3 | (<u32> len << 8);
  const hi = rotl<u32>(bswap<u32>(lo), 13);
  const flipLo = <u64> (load<u32>(SECRET) ^ load<u32>(SECRET, 4));
  const flipHi = <u64> (load<u32>(SECRET, 8) ^ load<u32>(SECRET, 12));
  put(out, avalanche64(<u64> lo ^ flipLo), avalanche64(<u64> hi ^ flipHi));
}

function len4to8(p: usize, len: usize, out: usize): void {
  const input = <u64> load<u32>(p) + (<u64> load<u32>(p + len - 4) << 32);
  const keyed = input ^ (load<u64>(SECRET, 16) ^ load<u64>(SECRET, 24));
  let low = mul128(keyed, P64_1 + (<u64> len << 2));
  const high = mulHigh + (low << 1);
  low ^= high >> 3;
  low ^= low >> 35;
  low *= MX2;
  low ^= low >> 28;
  put(out, low, avalanche(high));
}

function len9to16(p: usize, len: usize, out: usize): void {
  const flipLo = load<u64>(SECRET, 32) ^ load<u64>(SECRET, 40);
  const flipHi = load<u64>(SECRET, 48) ^ load<u64>(SECRET, 56);
  const inLo = load<u64>(p);
  let inHi = load<u64>(p + len - 8);
  let mLow = mul128(inLo ^ inHi ^ flipLo, P64_1);
  let mHigh = mulHigh;
  mLow += <u64> (len - 1) << 54;
  inHi ^= flipHi;
  mHigh += inHi + (inHi & 0xFFFFFFFF) * (P32_2 - 1);
  mLow ^= bswap<u64>(mHigh);
  const hLow = mul128(mLow, P64_2);
  const hHigh = mulHigh + mHigh * P64_2;
  put(out, avalanche(hLow), avalanche(hHigh));
}

/** `XXH128_mix32B` on the accumulator pair (`accLow`, `accHigh`). */
let accLow: u64 = 0;
let accHigh: u64 = 0;

function mix32(a: usize, b: usize, s: usize, seed: u64): void {
  accLow += mix16(a, s, seed);
  accLow ^= load<u64>(b) + load<u64>(b, 8);
  accHigh += mix16(b, s + 16, seed);
  accHigh ^= load<u64>(a) + load<u64>(a, 8);
}

function finishMid(len: usize, out: usize): void {
  const low = accLow + accHigh;
  const high = accLow * P64_1 + accHigh * P64_4 + <u64> len * P64_2;
  put(out, avalanche(low), 0 - avalanche(high));
}

function len17to128(p: usize, len: usize, out: usize): void {
  accLow = <u64> len * P64_1;
  accHigh = 0;
  if (len > 32) {
    if (len > 64) {
      if (len > 96) mix32(p + 48, p + len - 64, SECRET + 96, 0);
      mix32(p + 32, p + len - 48, SECRET + 64, 0);
    }
    mix32(p + 16, p + len - 32, SECRET + 32, 0);
  }
  mix32(p, p + len - 16, SECRET, 0);
  finishMid(len, out);
}

function len129to240(p: usize, len: usize, out: usize): void {
  accLow = <u64> len * P64_1;
  accHigh = 0;
  for (let i: usize = 32; i < 160; i += 32) mix32(p + i - 32, p + i - 16, SECRET + i - 32, 0);
  accLow = avalanche(accLow);
  accHigh = avalanche(accHigh);
  for (let i: usize = 160; i <= len; i += 32) {
    mix32(p + i - 32, p + i - 16, SECRET + 3 + i - 160, 0);
  }
  mix32(p + len - 16, p + len - 32, SECRET + 136 - 17 - 16, 0);
  finishMid(len, out);
}

/** Hashes an input of at most 240 bytes (xxHash's short and mid sizes). */
function hashShort(p: usize, len: usize, out: usize): void {
  if (len > 128) len129to240(p, len, out);
  else if (len > 16) len17to128(p, len, out);
  else if (len > 8) len9to16(p, len, out);
  else if (len >= 4) len4to8(p, len, out);
  else if (len > 0) len1to3(p, len, out);
  else {
    const flipLo = load<u64>(SECRET, 64) ^ load<u64>(SECRET, 72);
    const flipHi = load<u64>(SECRET, 80) ^ load<u64>(SECRET, 88);
    put(out, avalanche64(flipLo), avalanche64(flipHi));
  }
}

/**
 * One stripe's step on two accumulator lanes: each lane gets the other
 * lane's input word, plus the product of the low and high halves of its own
 * input word xor the key (`XXH3_scalarRound`, two lanes at a time).
 */
function round(acc: v128, d: v128, key: v128): v128 {
  const dk = v128.xor(d, key);
  acc = i64x2.add(acc, i32x4.shuffle(d, d, 2, 3, 0, 1));
  const lo = i32x4.shuffle(dk, dk, 0, 2, 1, 3);
  const hi = i32x4.shuffle(dk, dk, 1, 3, 0, 2);
  return i64x2.add(acc, i64x2.extmul_low_i32x4_u(lo, hi));
}

function scramble(acc: v128, key: v128): v128 {
  const x = v128.xor(v128.xor(acc, i64x2.shr_u(acc, 47)), key);
  return i64x2.mul(x, i64x2.splat(<i64> P32_1));
}

/**
 * Accumulates `count` stripes from `p` into the accumulators at `acc`,
 * scrambling after each full block; `soFar` is how many stripes of the
 * current block were already consumed. Returns the new `soFar`.
 */
function consume(acc: usize, soFar: u32, p: usize, count: u32): u32 {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  while (count > 0) {
    const n = min<u32>(count, STRIPES_PER_BLOCK - soFar);
    let k = SECRET + (<usize> soFar << 3);
    const end = p + (<usize> n << 6);
    for (; p < end; p += STRIPE, k += 8) {
      a0 = round(a0, v128.load(p), v128.load(k));
      a1 = round(a1, v128.load(p, 16), v128.load(k, 16));
      a2 = round(a2, v128.load(p, 32), v128.load(k, 32));
      a3 = round(a3, v128.load(p, 48), v128.load(k, 48));
    }
    count -= n;
    soFar += n;
    if (soFar === STRIPES_PER_BLOCK) {
      const s = SECRET + SECRET_LIMIT;
      a0 = scramble(a0, v128.load(s));
      a1 = scramble(a1, v128.load(s, 16));
      a2 = scramble(a2, v128.load(s, 32));
      a3 = scramble(a3, v128.load(s, 48));
      soFar = 0;
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  return soFar;
}

/** Accumulates the last stripe (`XXH_SECRET_LASTACC_START` = 7 bytes before the scrambling key). */
function lastStripe(acc: usize, p: usize): void {
  const k = SECRET + SECRET_LIMIT - 7;
  v128.store(acc, round(v128.load(acc), v128.load(p), v128.load(k)));
  v128.store(acc, round(v128.load(acc, 16), v128.load(p, 16), v128.load(k, 16)), 16);
  v128.store(acc, round(v128.load(acc, 32), v128.load(p, 32), v128.load(k, 32)), 32);
  v128.store(acc, round(v128.load(acc, 48), v128.load(p, 48), v128.load(k, 48)), 48);
}

function mergeAccs(acc: usize, s: usize, start: u64): u64 {
  let r = start;
  for (let i: usize = 0; i < 64; i += 16) {
    r += fold64(load<u64>(acc + i) ^ load<u64>(s + i), load<u64>(acc + i, 8) ^ load<u64>(s + i, 8));
  }
  return avalanche(r);
}

/** Writes the final hash of long-input accumulators for `len` bytes in all. */
function finishLong(acc: usize, len: u64, out: usize): void {
  const low = mergeAccs(acc, SECRET + 11, len * P64_1);
  const high = mergeAccs(acc, SECRET + 192 - 64 - 11, ~(len * P64_2));
  put(out, low, high);
}

function initAcc(acc: usize): void {
  store<u64>(acc, P32_3);
  store<u64>(acc, P64_1, 8);
  store<u64>(acc, P64_2, 16);
  store<u64>(acc, P64_3, 24);
  store<u64>(acc, P64_4, 32);
  store<u64>(acc, P32_2, 40);
  store<u64>(acc, P64_5, 48);
  store<u64>(acc, P32_1, 56);
}

/**
 * Hashes `len` bytes at `p` in one go.
 *
 * @param p The input.
 * @param len Its length.
 * @param out Where the 16-byte canonical digest goes.
 */
export function hash(p: usize, len: usize, out: usize): void {
  if (len <= 240) return hashShort(p, len, out);
  initAcc(DIGEST_ACC);
  consume(DIGEST_ACC, 0, p, <u32> ((len - 1) >> 6));
  lastStripe(DIGEST_ACC, p + len - STRIPE);
  finishLong(DIGEST_ACC, <u64> len, out);
}

/**
 * Starts a streaming hash.
 *
 * @param state Where the state (`stateSize()` bytes) is.
 */
export function init(state: usize): void {
  initAcc(state + ACC);
  store<u32>(state + BUFFERED, 0);
  store<u32>(state + STRIPES_SO_FAR, 0);
  store<u64>(state + TOTAL, 0);
}

/**
 * Adds `len` bytes at `p` to a streaming hash.
 *
 * @param state The state.
 * @param p The input.
 * @param len Its length.
 */
export function update(state: usize, p: usize, len: usize): void {
  const end = p + len;
  const buffer = state + BUFFER;
  let buffered = load<u32>(state + BUFFERED);
  let soFar = load<u32>(state + STRIPES_SO_FAR);
  store<u64>(state + TOTAL, load<u64>(state + TOTAL) + <u64> len);
  if (<u32> len <= BUFFER_SIZE - buffered && len <= <usize> BUFFER_SIZE) {
    memory.copy(buffer + buffered, p, len);
    store<u32>(state + BUFFERED, buffered + <u32> len);
    return;
  }
  // More than the buffer holds: fill it up and consume it, then whole stripes
  // of the input, always keeping the last bytes (and the stripe before them)
  // for the digest.
  if (buffered > 0) {
    const fill = BUFFER_SIZE - buffered;
    memory.copy(buffer + buffered, p, fill);
    p += fill;
    soFar = consume(state + ACC, soFar, buffer, BUFFER_SIZE >> 6);
    buffered = 0;
  }
  if (end - p > <usize> BUFFER_SIZE) {
    const count = <u32> ((end - 1 - p) >> 6);
    soFar = consume(state + ACC, soFar, p, count);
    p += <usize> count << 6;
    memory.copy(buffer + BUFFER_SIZE - STRIPE, p - STRIPE, STRIPE);
  }
  memory.copy(buffer, p, end - p);
  store<u32>(state + BUFFERED, <u32> (end - p));
  store<u32>(state + STRIPES_SO_FAR, soFar);
}

/**
 * Writes the hash of everything added so far; the state is left as it was.
 *
 * @param state The state.
 * @param out Where the 16-byte canonical digest goes.
 */
export function digest(state: usize, out: usize): void {
  const total = load<u64>(state + TOTAL);
  const buffer = state + BUFFER;
  const buffered = <usize> load<u32>(state + BUFFERED);
  if (total <= 240) return hashShort(buffer, <usize> total, out);
  memory.copy(DIGEST_ACC, state + ACC, 64);
  let last: usize;
  if (buffered >= STRIPE) {
    consume(DIGEST_ACC, load<u32>(state + STRIPES_SO_FAR), buffer, <u32> ((buffered - 1) >> 6));
    last = buffer + buffered - STRIPE;
  } else {
    const catchUp = STRIPE - buffered;
    memory.copy(LAST_STRIPE, buffer + <usize> BUFFER_SIZE - catchUp, catchUp);
    memory.copy(LAST_STRIPE + catchUp, buffer, buffered);
    last = LAST_STRIPE;
  }
  lastStripe(DIGEST_ACC, last);
  finishLong(DIGEST_ACC, total, out);
}
