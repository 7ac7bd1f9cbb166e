/**
 * The governor checks every built-in task's config with the built-in's
 * validator (`protocol/task_configs.ts`): each accepts what the client
 * builds and names the field of what it refuses.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeCbor, encodeCbor } from "../../protocol/codec.ts";
import { validate, type Validator } from "../../protocol/validate.ts";
import { builtins } from "../../governor/builtins/mod.ts";
import { type BuiltinContext, onlyInput } from "../../governor/builtins/types.ts";

/** A config of each built-in task type, as the client builds it. */
const samples: Record<string, unknown> = {
  concat: null,
  sleep: { seconds: 0.5 },
  load: { path: "/data/in.txt" },
  store: { path: "/data/out.txt" },
  loadDir: { path: "/data/dir" },
  makeDirectory: { paths: ["a/x.txt", "b"] },
  sliceDirectory: { path: "sub/" },
  execute: {
    args: ["wc", "-l", "in"],
    shell: false,
    inputs: [{ path: "in", write: false }],
    outputs: [{ stdout: true }, { path: "out.txt" }],
    stdin: -1,
  },
  remote: {
    fn: { module: "file:///m.ts", exportName: "f" },
    args: new Uint8Array([0x80]),
    inputs: [],
    params: {},
    autoLoad: true,
    encode: ["json"],
  },
};

Deno.test("every built-in checks its config: a sample round-trips, each wrong field is named", () => {
  assert.deepEqual([...builtins.keys()].sort(), Object.keys(samples).sort());
  for (const [type, impl] of builtins) {
    const check: Validator<unknown> = impl.config;
    const sample = samples[type];
    assert.deepEqual(check(decodeCbor(encodeCbor(sample))), sample, `${type} config`);
    if (sample === null) {
      assert.throws(() => validate(check, {}, "config"), /^ProtocolError: config: expected null$/);
      continue;
    }
    for (const key of Object.keys(sample as object)) {
      const wrong = { ...structuredClone(sample as object), [key]: Symbol("wrong") };
      assert.throws(
        () => validate(check, wrong, "config"),
        (e: Error) => e.message.startsWith(`config.${key}: `),
        `a wrong ${type} config.${key} is named`,
      );
    }
  }
});

Deno.test("built-in configs are refused with the nested field and the reason", () => {
  const bad: [string, unknown, string][] = [
    ["sleep", { seconds: -1 }, "config.seconds: must not be negative"],
    [
      "execute",
      { ...samples.execute as object, inputs: [{ path: 1, write: false }] },
      "config.inputs[0].path: expected a string",
    ],
    [
      "execute",
      { ...samples.execute as object, outputs: [{ stdout: false }] },
      "config.outputs[0].stdout: must be true",
    ],
    [
      "execute",
      { ...samples.execute as object, stdin: 0.5 },
      "config.stdin: expected an input index or -1",
    ],
    ["makeDirectory", { paths: ["a", 2] }, "config.paths[1]: expected a string"],
    ["load", null, "config: expected an object"],
  ];
  for (const [type, config, message] of bad) {
    assert.throws(() => validate(builtins.get(type)!.config, config, "config"), (e: Error) => {
      assert.equal(e.message, message);
      return true;
    });
  }
});

Deno.test("a built-in that takes one input says so, naming its task type, when it gets another number", () => {
  const ctx = { task: { spec: { taskType: "sleep" } }, inputs: [] };
  assert.throws(() => onlyInput(ctx as unknown as BuiltinContext), /sleep takes one input, got 0/);
});
