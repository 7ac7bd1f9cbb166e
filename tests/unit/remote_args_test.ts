/**
 * The arguments of a remote-function call (`protocol/remote_args.ts`): what
 * the client encodes, the executor decodes, with data objects as
 * placeholders for task inputs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeRemoteArgs, encodeRemoteArgs } from "../../protocol/remote_args.ts";

/** Stands for a data object in the arguments. */
class Obj {
  constructor(readonly name: string) {}
}

Deno.test("remote arguments round-trip, data objects anywhere inside replaced by their inputs", () => {
  const a = new Obj("a"), b = new Obj("b");
  const found: [string, number][] = [];
  const index = new Map<Obj, number>();
  const when = new Date(1_700_000_000_000);
  const args = [
    "text",
    { nested: [a, { deep: b }], when, bytes: new Uint8Array([1, 2]) },
    new Map<unknown, unknown>([["key", a], [1, new Set([b, 3])]]),
    null,
  ];
  const bytes = encodeRemoteArgs(args, (v, arg) => {
    if (!(v instanceof Obj)) return undefined;
    let i = index.get(v);
    if (i === undefined) {
      index.set(v, i = index.size);
      found.push([v.name, arg]);
    }
    return i;
  });
  assert.deepEqual(found, [["a", 1], ["b", 1]], "each object is one input, numbered in order");
  const back = decodeRemoteArgs(bytes, ["A", "B"]);
  assert.deepEqual(back, [
    "text",
    { nested: ["A", { deep: "B" }], when, bytes: new Uint8Array([1, 2]) },
    new Map<unknown, unknown>([["key", "A"], [1, new Set(["B", 3])]]),
    null,
  ]);
});

Deno.test("decoding refuses a placeholder without its input and bytes that are no argument array", () => {
  const one = encodeRemoteArgs([new Obj("a")], (v) => v instanceof Obj ? 1 : undefined);
  assert.throws(() => decodeRemoteArgs(one, ["only input 0"]), /refer to missing input 1/);
  const notArray = encodeRemoteArgs([], () => undefined).slice(); // an empty array...
  assert.deepEqual(decodeRemoteArgs(notArray, []), []);
  assert.throws(() => decodeRemoteArgs(new Uint8Array([0x01]), []), /must be an array/);
});

Deno.test("a value CBOR cannot encode is a TypeError naming the arguments", () => {
  assert.throws(
    () => encodeRemoteArgs([() => 1], () => undefined),
    (e: Error) =>
      e instanceof TypeError && /Cannot encode the remote function's arguments/.test(e.message),
  );
});
