/**
 * The frame codec shared by both protocols.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeFrame, encodeFrame } from "../../protocol/codec.ts";

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
