/**
 * The packed form of a submit's tasks and objects (client protocol 3).
 *
 * @module
 */
import assert from "node:assert/strict";
import { NO_USER, ONE_CPU, type TaskSpec } from "../../common/attributes.ts";
import { ProtocolError } from "../../common/errors.ts";
import {
  packSubmitObject,
  packTaskSpec,
  unpackSubmitObject,
  unpackTaskSpec,
} from "../../protocol/submit_packing.ts";
import { validate } from "../../protocol/validate.ts";

const spec: TaskSpec = {
  id: [4, 10],
  taskType: "execute",
  config: { args: ["wc", "-l"] },
  inputs: [{ id: [4, 1], label: "in" }, { id: [4, 2], label: "" }],
  outputs: [[4, 11], [4, 12]],
  resources: { cpus: 3 },
  user: { k: 1 },
  name: "count",
};

Deno.test("a task spec survives packing and unpacking", () => {
  assert.deepEqual(unpackTaskSpec(packTaskSpec(spec), 4), spec);
});

Deno.test("empty user and 1-cpu resources unpack to the shared frozen values", () => {
  const plain = { ...spec, user: {}, resources: { cpus: 1 } };
  const back = unpackTaskSpec(packTaskSpec(plain), 4);
  assert.equal(back.user, NO_USER);
  assert.equal(back.resources, ONE_CPU);
  assert.ok(Object.isFrozen(back.user));
});

Deno.test("an object survives packing and unpacking, with or without data", () => {
  const o = {
    spec: {
      id: [4, 1] as [number, number],
      label: "x",
      contentType: "json",
      dataType: "blob" as const,
      user: { a: "b" },
    },
    keep: true,
    data: new Uint8Array([1, 2]),
    hash: "xxh128:0123456789abcdef0123456789abcdef",
  };
  assert.deepEqual(unpackSubmitObject(packSubmitObject(o.spec, o.keep, o.data, o.hash), 4), o);
  const out = { spec: { ...o.spec, user: {} }, keep: false };
  const back = unpackSubmitObject(packSubmitObject(out.spec, out.keep, null), 4);
  assert.deepEqual(back, out);
  assert.equal("data" in back, false);
  assert.equal("hash" in back, false);
});

Deno.test("packing refuses an input of another session", () => {
  assert.throws(
    () => packTaskSpec({ ...spec, inputs: [{ id: [5, 1], label: "" }] }),
    /Input 5\/1 is in another session/,
  );
});

Deno.test("malformed packed tasks and objects are protocol errors naming the field", () => {
  const packed = packTaskSpec(spec);
  const bad: [() => unknown, RegExp][] = [
    [
      () => validate((x) => unpackTaskSpec(x, 4), {}, "submit.tasks[0]"),
      /submit\.tasks\[0\]: expected a packed task spec/,
    ],
    [
      () => validate((x) => unpackTaskSpec(x, 4), packed.map((v, i) => i === 3 ? 0 : v), "t"),
      /t\[3\]: cpus must be at least 1/,
    ],
    [
      () => validate((x) => unpackTaskSpec(x, 4), packed.map((v, i) => i === 6 ? 9 : v), "t"),
      /too short for 9 inputs/,
    ],
    [
      () => validate((x) => unpackTaskSpec(x, 4), packed.map((v, i) => i === 8 ? 7 : v), "t"),
      /t\[8\]: expected a string/,
    ],
    [
      () => validate((x) => unpackTaskSpec(x, 4), packed.map((v, i) => i === 5 ? [1] : v), "t"),
      /t\[5\]: expected an object/,
    ],
    [
      () =>
        validate(
          (x) => unpackSubmitObject(x, 4),
          [1, "", "", "tree", null, false, null, null],
          "o",
        ),
      /o\[3\]: expected "blob" or "dir"/,
    ],
    [
      () => validate((x) => unpackSubmitObject(x, 4), [1, "", "", "blob", null, false, null], "o"),
      /o: expected a packed object/,
    ],
    [
      () =>
        validate(
          (x) => unpackSubmitObject(x, 4),
          [1, "", "", "blob", null, false, "data", null],
          "o",
        ),
      /o\[6\]: expected bytes/,
    ],
    [
      () =>
        validate((x) => unpackSubmitObject(x, 4), [1, "", "", "blob", null, false, null, 7], "o"),
      /o\[7\]: expected a string/,
    ],
  ];
  for (const [f, message] of bad) {
    assert.throws(f, (e: Error) => {
      assert.ok(e instanceof ProtocolError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});
