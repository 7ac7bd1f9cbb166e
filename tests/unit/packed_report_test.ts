/**
 * A finished task's report, packed (`done`) when it is plain
 * (`protocol/packed_report.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Id } from "../../common/attributes.ts";
import { decodeFrame, encodeFrame } from "../../protocol/codec.ts";
import { validateGovernorMessage } from "../../protocol/governor.ts";
import { packReport, unpackReport } from "../../protocol/packed_report.ts";

const bytes = new Uint8Array([1, 2, 3]);
const h = "xxh128:0123456789abcdef0123456789abcdef";

Deno.test("a plain finished report round-trips packed, and validates back to a finished message", () => {
  const outputs = [
    { id: [7, 6] as Id, size: 3, hash: h, data: bytes },
    { id: [7, 8] as Id, size: 9, hash: h },
  ];
  const report = packReport([7, 3], { startTime: 1000, duration: 2 }, outputs);
  assert.ok(report);
  const expected = {
    type: "finished",
    id: [7, 3],
    info: { startTime: 1000, duration: 2 },
    outputs,
  };
  assert.deepEqual(unpackReport(report), expected);
  const m = validateGovernorMessage(decodeFrame(encodeFrame([{ type: "done", report }]))[0]);
  assert.deepEqual(m, expected);
});

Deno.test("a report with debug, user, a run-time content type or another session keeps the full form", () => {
  const out = { id: [7, 6] as Id, size: 3, hash: h };
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
  assert.equal(packReport([7, 3], { startTime: 1, duration: 0 }, [{ ...out, id: [8, 6] }]), null);
});

Deno.test("a malformed packed report is a protocol error naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [[7, 3, 1], /done\.report: expected a packed report$/],
    [[7, 3, 1, 0, 6, 3, "h"], /done\.report: expected a packed report$/],
    [[7, 3, "t", 0], /done\.report\[2\]: expected a number$/],
    [[7, 3, 1, 0, 6, -1, "h", null], /done\.report\[5\]: expected a non-negative integer$/],
    [[7, 3, 1, 0, 6, 1, 5, null], /done\.report\[6\]: expected a string$/],
    [[7, 3, 1, 0, 6, 1, "h", "x"], /done\.report\[7\]: expected bytes$/],
  ];
  for (const [report, message] of bad) {
    assert.throws(() => validateGovernorMessage({ type: "done", report }), message);
  }
});
