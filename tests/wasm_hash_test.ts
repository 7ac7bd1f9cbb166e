/**
 * The XXH3-128 content hash: the WASM kernel and its pure-TS fallback agree
 * with xxHash's published test vectors (the sanity-check table of
 * `xxhsum`, `cli/xsum_sanity_check.c`, seed 0) one-shot and streamed, and
 * with each other byte for byte on random inputs of 0 B to 64 MiB fed in
 * random chunks.
 *
 * @module
 */
import { rng } from "./_util.ts";
import assert from "node:assert/strict";
import { createXxh128, type HashImpl, xxh128 } from "../wasm/mod.ts";

/**
 * xxHash's test buffer (`XSUM_fillTestBuffer`): byte `i` is the top byte of
 * `PRIME32 * PRIME64^i` (mod 2^64).
 */
function testBuffer(len: number): Uint8Array {
  const b = new Uint8Array(len);
  let gen = 2654435761n;
  for (let i = 0; i < len; i++) {
    b[i] = Number(gen >> 56n);
    gen = (gen * 11400714785074694797n) & 0xffffffffffffffffn;
  }
  return b;
}

/** `XSUM_XXH128_testdata`, seed 0: length → `{ high64, low64 }` as canonical hex. */
const VECTORS: [number, string][] = [
  [0, "99aa06d3014798d8" + "6001c324468d497f"],
  [1, "a6cd5e9392000f6a" + "c44bdff4074eecdb"],
  [6, "082afe0b8162d12a" + "3e7039bdda43cfc6"],
  [12, "6e3efd8fc7802b18" + "061a192713f69ad9"],
  [24, "0ce966e4678d3761" + "1e7044d28b1b901d"],
  [48, "a002ac4e5478227e" + "f942219aed80f67b"],
  [81, "4952f58181ab0042" + "5e8bafb9f95fb803"],
  [222, "337e09641b948717" + "f1aebd597cec6b3a"],
  [403, "1b6de21e332dd73d" + "cdeb804d65c6dea4"],
  [512, "18d2d110dcc9bca1" + "617e49599013cb6b"],
  [2048, "f736557fd47073a5" + "dd59e2c3a5f038e0"],
  [2240, "ccb134fbfa7ce49d" + "6e73a90539cf2948"],
  [2367, "e89c0f6ff369b427" + "cb37aeb9e5d361ed"],
];

const IMPLS: HashImpl[] = ["wasm", "ts"];
const vectorInput = testBuffer(2367);

function randomBytes(n: number, next: () => number): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer, 0, n >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = (next() * 2 ** 32) >>> 0;
  for (let i = words.length * 4; i < n; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** Feeds `bytes` in random pieces (empty ones, single bytes, large ones). */
function streamed(bytes: Uint8Array, impl: HashImpl, next: () => number): string {
  const h = createXxh128(impl);
  let at = 0;
  while (at < bytes.length) {
    const r = next();
    const n = r < 0.1 ? 0 : r < 0.3 ? 1 + ((next() * 64) | 0) : (next() * 3 * 2 ** 20) | 0;
    h.update(bytes.subarray(at, at + n));
    at += n;
  }
  return h.digest();
}

for (const impl of IMPLS) {
  Deno.test(`xxh128 (${impl}) matches xxHash's test vectors, one-shot and streamed`, () => {
    const next = rng(7);
    for (const [len, want] of VECTORS) {
      const input = vectorInput.subarray(0, len);
      assert.equal(xxh128(input, impl), want, `one-shot, ${len} bytes`);
      assert.equal(streamed(input, impl, next), want, `streamed, ${len} bytes`);
      const h = createXxh128(impl);
      for (let i = 0; i < len; i++) h.update(input.subarray(i, i + 1));
      assert.equal(h.digest(), want, `byte by byte, ${len} bytes`);
    }
  });
}

Deno.test('xxh128 of "abc" is xxHash\'s', () => {
  assert.equal(xxh128(new TextEncoder().encode("abc")), "06b05ab6733a618578af5f94892f3950");
});

Deno.test("xxh128 kernel and fallback agree on every size to 2 KiB, at odd offsets", () => {
  const next = rng(1);
  const bytes = randomBytes(2048 + 8, next);
  for (let len = 0; len <= 2048; len++) {
    const input = bytes.subarray(len & 7, (len & 7) + len);
    assert.equal(xxh128(input, "wasm"), xxh128(input, "ts"), `${len} bytes`);
  }
});

Deno.test("xxh128 kernel and fallback agree on random inputs to 64 MiB in random chunks", () => {
  const next = rng(0x5eed);
  const sizes = [255, 256, 257, 1023, 1024, 1025, 4096 + 63, 65536 + 1, 262144, 262145];
  for (let i = 0; i < 6; i++) sizes.push((next() * 8 * 2 ** 20) | 0);
  sizes.push(64 * 2 ** 20);
  const pool = randomBytes(64 * 2 ** 20 + 4096, next);
  for (const size of sizes) {
    const at = (next() * 4096) | 0;
    const input = pool.subarray(at, at + size);
    const want = xxh128(input, "wasm");
    assert.equal(xxh128(input, "ts"), want, `one-shot, ${size} bytes`);
    for (const impl of IMPLS) {
      assert.equal(streamed(input, impl, next), want, `${impl}, ${size} bytes`);
    }
  }
});

Deno.test("xxh128 hashers interleaved on the one kernel keep their own state", () => {
  const next = rng(3);
  const a = randomBytes(3_000_000, next), b = randomBytes(1_000_001, next);
  const ha = createXxh128("wasm"), hb = createXxh128("wasm");
  for (let at = 0; at < a.length; at += 100_000) {
    ha.update(a.subarray(at, at + 100_000));
    const k = at / 100_000;
    hb.update(b.subarray(k * 33_334, (k + 1) * 33_334));
    xxh128(a.subarray(0, 300_000), "wasm"); // a one-shot in between, larger than the kernel's chunk
  }
  assert.equal(ha.digest(), xxh128(a, "ts"));
  assert.equal(hb.digest(), xxh128(b, "ts"));
  ha.update(b); // digest() leaves the state as it was: more may be added
});
