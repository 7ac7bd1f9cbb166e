/**
 * The packed form of a built-in task handed to a governor
 * (`protocol/packed_task.ts`): what the server packs, the governor unpacks.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TaskSpec } from "../../common/attributes.ts";
import { ProtocolError } from "../../common/errors.ts";
import { decodeFrame, encodeFrame } from "../../protocol/codec.ts";
import {
  type PackedTask,
  packInput,
  packOutput,
  packTask,
  unpackTask,
} from "../../protocol/packed_task.ts";
import { validate } from "../../protocol/validate.ts";

const bytes = new Uint8Array([1, 2, 3]);
const spec: Pick<TaskSpec, "id" | "taskType" | "config" | "resources" | "inputs"> = {
  id: [7, 3],
  taskType: "execute",
  config: { args: ["cat", "a", "b"], shell: false },
  inputs: [{ id: [7, 4], label: "a" }, { id: [7, 5], label: "b" }],
  resources: { cpus: 2 },
};

/** Input 4 comes from governor 10.0.0.2:9, input 5 inline; a kept json blob and a dir out. */
function packed(): PackedTask {
  const p = packTask(spec);
  packInput(p, 4, "a", "10.0.0.2:9", null, "");
  packInput(p, 5, "b", "", bytes, "text");
  packOutput(p, 6, "output", "json", "blob", true);
  packOutput(p, 8, "tree", "", "dir", false);
  return p;
}

/** Through a real frame, as it travels. */
function travel(p: PackedTask): unknown {
  return (decodeFrame(encodeFrame([{ type: "run", task: p }]))[0] as { task: unknown }).task;
}

Deno.test("a packed task round-trips: spec, sources, keep flags, outputs and inline inputs", () => {
  const { task, inline } = unpackTask(travel(packed()));
  assert.deepEqual(task.spec, {
    id: [7, 3],
    taskType: "execute",
    config: { args: ["cat", "a", "b"], shell: false },
    inputs: [{ id: [7, 4], label: "a" }, { id: [7, 5], label: "b" }],
    outputs: [[7, 6], [7, 8]],
    resources: { cpus: 2 },
  });
  assert.deepEqual(task.outputs, [
    { id: [7, 6], label: "output", contentType: "json" },
    { id: [7, 8], label: "tree", dataType: "dir" },
  ]);
  assert.deepEqual(task.sources, ["10.0.0.2:9", ""]);
  assert.deepEqual(task.keep, [true, false]);
  assert.deepEqual(inline, [{ id: [7, 5], data: bytes, contentType: "text" }]);
});

Deno.test("an unpacked task leaves out sources and keep when every input is here and nothing is kept", () => {
  const p = packTask({ ...spec, inputs: [{ id: [7, 4], label: "" }] });
  packInput(p, 4, "", "", null, "");
  packOutput(p, 6, "", "", "blob", false);
  const { task, inline } = unpackTask(travel(p));
  assert.equal(task.sources, undefined);
  assert.equal(task.keep, undefined);
  assert.deepEqual(task.outputs, [{ id: [7, 6], label: "" }]);
  assert.deepEqual(inline, []);
});

Deno.test("unpackTask refuses malformed packed tasks, naming the field", () => {
  const good: unknown[] = packed();
  const bad: [unknown, RegExp][] = [
    [{ not: "an array" }, /^run\.task: expected a packed task$/],
    [[1, 2, "concat"], /^run\.task: expected a packed task$/],
    [good.slice(0, -1), /^run\.task: wrong length for 2 inputs$/],
    [[1, 2, "concat", null, 0, 0], /^run\.task\[4\]: cpus must be at least 1$/],
    [[1, 2, "remote", null, 1, 0], /^run\.task: remote tasks are not packed$/],
    [good.map((v, i) => i === 14 ? "not bytes" : v), /^run\.task\[14\]: expected bytes$/],
    [good.map((v, i) => i === 12 ? 3 : v), /^run\.task\[12\]: expected a string$/],
    [good.map((v, i) => i === 24 ? "tree" : v), /^run\.task\[24\]: expected "blob" or "dir"$/],
    [good.map((v, i) => i === 20 ? 1 : v), /^run\.task\[20\]: expected a boolean$/],
    [good.map((v, i) => i === 0 ? -1 : v), /^run\.task\[0\]: expected a non-negative integer$/],
  ];
  for (const [v, message] of bad) {
    assert.throws(() => validate(unpackTask, v, "run.task"), (e: Error) => {
      assert.ok(e instanceof ProtocolError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});
