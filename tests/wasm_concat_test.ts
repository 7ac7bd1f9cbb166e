/**
 * Conformance of the concat kernel with its pure-TS fallback: the same cases
 * run against both (and against the selecting entry point the governor uses),
 * byte for byte.
 *
 * @module
 */
import { rng } from "./_util.ts";
import assert from "node:assert/strict";
import {
  chooseConcat,
  concatBytes,
  concatBytesTs,
  concatBytesWasm,
  KERNEL_MEMORY_LIMIT,
  setKernelMemoryRetained,
} from "../wasm/mod.ts";
import { concatBytes as builtinConcatBytes } from "../governor/builtins/concat.ts";

function randomBytes(n: number, next: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** The concatenation, byte by byte: the reference both implementations must match. */
function reference(parts: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (const b of p) out.push(b);
  return out;
}

const next = rng(0x5eed);
const shared = randomBytes(4096, next);
const cases: [name: string, parts: Uint8Array[]][] = [
  ["no inputs", []],
  ["one empty input", [new Uint8Array(0)]],
  ["several empty inputs", [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]],
  ["one input", [randomBytes(1000, next)]],
  ["one byte", [new Uint8Array([0xff])]],
  ["two tiny inputs", [new Uint8Array([1, 2, 3]), new Uint8Array([4])]],
  ["many small inputs", Array.from({ length: 1000 }, () => randomBytes((next() * 33) | 0, next))],
  ["a few large inputs", [
    randomBytes(1 << 20, next),
    randomBytes(5, next),
    randomBytes(3 << 19, next),
  ]],
  ["random sizes", Array.from({ length: 60 }, () => randomBytes((next() * 100_000) | 0, next))],
  ["empty inputs between others", [shared, new Uint8Array(0), shared, new Uint8Array(0)]],
  [
    "views at odd offsets of one buffer",
    [shared.subarray(3, 100), shared.subarray(1, 2), shared.subarray(4000), shared.subarray(7, 7)],
  ],
  ["the same input repeated", [shared, shared, shared]],
];

for (const [name, parts] of cases) {
  Deno.test(`concat kernel and TS fallback agree: ${name}`, () => {
    const want = reference(parts);
    for (
      const [impl, f] of [
        ["ts", concatBytesTs],
        ["wasm", concatBytesWasm],
        ["selected", concatBytes],
        ["built-in", builtinConcatBytes],
      ] as const
    ) {
      const got = f(parts);
      assert.ok(got instanceof Uint8Array, impl);
      assert.equal(got.length, want.length, `${impl}: length`);
      assert.deepEqual(Array.from(got), want, `${impl}: bytes`);
    }
  });
}

Deno.test("concat kernel results are fresh arrays, not views of linear memory", () => {
  const first = concatBytesWasm([new Uint8Array([1, 2]), new Uint8Array([3])]);
  const again = concatBytesWasm([new Uint8Array([9, 9, 9])]);
  assert.deepEqual(Array.from(first), [1, 2, 3]);
  assert.deepEqual(Array.from(again), [9, 9, 9]);
  assert.equal(first.byteOffset, 0);
  assert.equal(first.buffer.byteLength, 3);
  first[0] = 42; // Owned by the caller: writing it changes nothing else.
  assert.deepEqual(Array.from(concatBytesWasm([new Uint8Array([1, 2]), new Uint8Array([3])])), [
    1,
    2,
    3,
  ]);
});

Deno.test("concat kernel keeps working after its memory is released", () => {
  const before = setKernelMemoryRetained(64 * 1024);
  try {
    for (let round = 0; round < 3; round++) {
      const parts = [randomBytes(300_000, next), randomBytes(17, next)];
      assert.deepEqual(Array.from(concatBytesWasm(parts)), reference(parts));
      assert.deepEqual(Array.from(concatBytesWasm([shared])), Array.from(shared));
    }
  } finally {
    setKernelMemoryRetained(before);
  }
});

Deno.test("concat selection: TS when WASM is unavailable or the input does not fit", () => {
  assert.equal(chooseConcat(2, 16, false), "ts");
  assert.equal(chooseConcat(2, KERNEL_MEMORY_LIMIT, true), "ts");
  assert.equal(chooseConcat(1, KERNEL_MEMORY_LIMIT / 2, true), "ts");
  // bench/wasm.ts measured the kernel slower than Uint8Array.set at every size.
  for (const [count, total] of [[2, 32], [1000, 16_000], [100, 102_400], [4, 4 << 20]]) {
    assert.equal(chooseConcat(count!, total!, true), "ts");
  }
});

Deno.test("concat kernel refuses inputs that do not fit in its memory", () => {
  // Views of one small buffer: no real allocation of a gigabyte.
  const big = new Uint8Array(1 << 20);
  const parts = Array.from({ length: KERNEL_MEMORY_LIMIT / 2 / big.length + 1 }, () => big);
  assert.throws(() => concatBytesWasm(parts), /do not fit in the kernel's memory/);
});
