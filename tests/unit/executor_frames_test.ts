/**
 * The executor protocol's framing (`protocol/executor.ts`): length-prefixed
 * CBOR frames on a byte stream, however the stream splits them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ProtocolError } from "../../common/errors.ts";
import {
  encodeExecutorFrame,
  type ExecutorMessage,
  FrameReader,
  MAX_EXECUTOR_FRAME,
  validateExecutorMessage,
} from "../../protocol/executor.ts";

const messages: ExecutorMessage[] = [
  {
    type: "result",
    outputs: [{ data: new Uint8Array([1, 2, 3]), contentType: "", user: {} }],
    debug: "",
    user: {},
  },
  { type: "error", error: "Error: boom\n    at f", debug: "log line", user: { k: 1 } },
];

Deno.test("executor frames round-trip whole, byte by byte, and several in one chunk", () => {
  const stream = new Uint8Array(
    messages.flatMap((m) => [...encodeExecutorFrame(m)]),
  );
  const whole = new FrameReader().push(stream).map(validateExecutorMessage);
  assert.deepEqual(whole, messages);
  const reader = new FrameReader();
  const trickled: unknown[] = [];
  for (const byte of stream) trickled.push(...reader.push(new Uint8Array([byte])));
  assert.deepEqual(trickled.map(validateExecutorMessage), messages);
});

Deno.test("an oversized or undecodable executor frame is a protocol error", () => {
  const big = new Uint8Array(4);
  new DataView(big.buffer).setUint32(0, MAX_EXECUTOR_FRAME + 1);
  assert.throws(() => new FrameReader().push(big), (e: Error) => {
    assert.ok(e instanceof ProtocolError);
    assert.match(e.message, /Executor frame of \d+ bytes is too big/);
    return true;
  });
  const garbage = new Uint8Array([0, 0, 0, 1, 0xff]);
  assert.throws(() => new FrameReader().push(garbage), /Executor frame is not valid CBOR/);
});
