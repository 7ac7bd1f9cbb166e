/**
 * The packed forms of governor protocol 3 (built-in tasks, finished reports)
 * and the frame codec.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeFrame, encodeFrame } from "../../protocol/codec.ts";
import { packReport, unpackTask, validateGovernorMessage } from "../../protocol/governor.ts";
import type { Id } from "../../common/attributes.ts";
import { ProtocolError } from "../../common/errors.ts";

const bytes = new Uint8Array([1, 2, 3]);
// concat of input 4 (on governor 10.0.0.2:9) and input 5 (inline), one kept json output.
const packed = [
  7,
  3,
  "concat",
  null,
  2,
  2,
  4,
  "a",
  "10.0.0.2:9",
  null,
  "",
  5,
  "b",
  "",
  bytes,
  "text",
];
const withOutput = [...packed, 6, "output", "json", "blob", true];

Deno.test("unpackTask rebuilds the spec, sources, keep flags and inline inputs", () => {
  const { task, inline } = unpackTask(withOutput, "run.task");
  assert.deepEqual(task.spec, {
    id: [7, 3],
    taskType: "concat",
    config: null,
    inputs: [{ id: [7, 4], label: "a" }, { id: [7, 5], label: "b" }],
    outputs: [[7, 6]],
    resources: { cpus: 2 },
  });
  assert.deepEqual(task.outputs, [{ id: [7, 6], label: "output", contentType: "json" }]);
  assert.deepEqual(task.sources, ["10.0.0.2:9", ""]);
  assert.deepEqual(task.keep, [true]);
  assert.deepEqual(inline, [{ id: [7, 5], data: bytes, contentType: "text" }]);
});

Deno.test("unpackTask leaves out sources and keep when every input is here and nothing is kept", () => {
  const { task, inline } = unpackTask([
    1,
    2,
    "concat",
    null,
    1,
    1,
    3,
    "",
    "",
    null,
    "",
    4,
    "",
    "",
    "dir",
    false,
  ], "t");
  assert.equal(task.sources, undefined);
  assert.equal(task.keep, undefined);
  assert.deepEqual(task.outputs, [{ id: [1, 4], label: "", dataType: "dir" }]);
  assert.deepEqual(inline, []);
});

Deno.test("unpackTask refuses malformed packed tasks, naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [{ not: "an array" }, /run\.task: expected a packed task/],
    [[1, 2, "concat"], /expected a packed task/],
    [withOutput.slice(0, -1), /wrong length for 2 inputs/],
    [[1, 2, "concat", null, 0, 0], /cpus must be at least 1/],
    [[1, 2, "remote", null, 1, 0], /remote tasks are not packed/],
    [withOutput.map((v, i) => i === 14 ? "not bytes" : v), /run\.task\[14\]: expected bytes/],
    [withOutput.map((v, i) => i === 19 ? "tree" : v), /run\.task\[19\]: expected "blob" or "dir"/],
    [withOutput.map((v, i) => i === 0 ? -1 : v), /run\.task\[0\]: expected a non-negative integer/],
  ];
  for (const [v, message] of bad) {
    assert.throws(() => unpackTask(v, "run.task"), (e: Error) => {
      assert.ok(e instanceof ProtocolError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("frames use records, decode to plain objects, and a __proto__ key sets no prototype", () => {
  const evil = JSON.parse('{"__proto__": {"polluted": true}, "type": "x"}');
  const messages = decodeFrame(encodeFrame(Array.from({ length: 40 }, () => evil)));
  assert.equal(messages.length, 40);
  for (const m of messages) {
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.equal((m as { polluted?: boolean }).polluted, undefined);
    assert.equal((m as { type: string }).type, "x");
  }
  const small = encodeFrame([{ type: "a", id: [1, 2] }, { type: "b", id: [3, 4] }]);
  assert.deepEqual(decodeFrame(small), [{ type: "a", id: [1, 2] }, { type: "b", id: [3, 4] }]);
});

Deno.test("a plain finished report travels packed and validates back to a finished message", () => {
  const h = "xxh128:0123456789abcdef0123456789abcdef";
  const outputs = [
    { id: [7, 6] as Id, size: 3, hash: h, data: bytes },
    { id: [7, 8] as Id, size: 9, hash: h },
  ];
  const report = packReport([7, 3], { startTime: 1000, duration: 2 }, outputs);
  assert.ok(report);
  const m = validateGovernorMessage(decodeFrame(encodeFrame([{ type: "done", report }]))[0]);
  assert.deepEqual(m, {
    type: "finished",
    id: [7, 3],
    info: { startTime: 1000, duration: 2 },
    outputs,
  });
});

Deno.test("a report with debug, user or a run-time content type keeps the full form", () => {
  const out = { id: [7, 6] as Id, size: 3, hash: "xxh128:0123456789abcdef0123456789abcdef" };
  assert.equal(packReport([7, 3], { startTime: 1, duration: 0, debug: "x" }, [out]), null);
  assert.equal(packReport([7, 3], { startTime: 1, duration: 0, user: { a: 1 } }, [out]), null);
  assert.equal(
    packReport([7, 3], { startTime: 1, duration: 0 }, [{ ...out, contentType: "json" }]),
    null,
  );
  assert.equal(
    packReport([7, 3], { startTime: 1, duration: 0 }, [{ ...out, user: { b: 2 } }]),
    null,
  );
});

Deno.test("a malformed packed report is a protocol error naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [[7, 3, 1], /done\.report: expected a packed report/],
    [[7, 3, 1, 0, 6, 3, "h"], /done\.report: expected a packed report/],
    [[7, 3, "t", 0], /done\.report\[2\]: expected a number/],
    [[7, 3, 1, 0, 6, -1, "h", null], /done\.report\[5\]: expected a non-negative integer/],
    [[7, 3, 1, 0, 6, 1, 5, null], /done\.report\[6\]: expected a string/],
    [[7, 3, 1, 0, 6, 1, "h", "x"], /done\.report\[7\]: expected bytes/],
  ];
  for (const [report, message] of bad) {
    assert.throws(() => validateGovernorMessage({ type: "done", report }), message);
  }
});
