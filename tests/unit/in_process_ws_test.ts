/**
 * The in-process link of a governor to its server (`server/in_process_ws.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { inProcessWebSocket } from "../../server/in_process_ws.ts";
import type { WsConnection } from "../../runtime/types.ts";
import { decodeFrame, encodeFrame } from "../../protocol/codec.ts";
import { directSender } from "../../protocol/direct_frame.ts";
import { Outbox } from "../../protocol/outbox.ts";

Deno.test("an in-process link delivers frames in order, later, copied, and closes both ends after what was sent", async () => {
  const events: string[] = [];
  let server: WsConnection | undefined;
  const ws = inProcessWebSocket({
    onOpen(conn) {
      server = conn;
      events.push("open");
    },
    onMessage(conn, data) {
      const n = (data as Uint8Array)[0]!;
      events.push(`server got ${n}`);
      conn.send(new Uint8Array([n * 10]));
      if (n === 2) conn.close(1000, "done");
    },
    onClose() {
      events.push("server closed");
    },
  });
  const closed = Promise.withResolvers<string>();
  ws.onMessage = (data) => events.push(`client got ${data[0]}`);
  ws.onClose = (reason) => closed.resolve(reason);
  await ws.opened;
  const reused = new Uint8Array([1]);
  ws.send(reused);
  reused[0] = 2; // a sender reusing its buffer does not change what was sent
  ws.send(reused);
  assert.deepEqual(events, [], "nothing is delivered inside send()");
  assert.equal(await closed.promise, "done");
  assert.deepEqual(events, [
    "open",
    "server got 1",
    "server got 2",
    "client got 10",
    "client got 20",
    "server closed",
  ]);
  ws.send(new Uint8Array([3]));
  server!.send(new Uint8Array([4]));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(events.length, 6, "nothing is delivered after the close");
});

Deno.test("an in-process link hands an outbox's messages over unencoded, in order with frames, checked like frames", async () => {
  const got: unknown[][] = [];
  const errors: string[] = [];
  let server: WsConnection | undefined;
  const ws = inProcessWebSocket({
    onOpen(conn) {
      server = conn;
    },
    onMessage(_conn, data) {
      try {
        got.push(decodeFrame(data));
      } catch (e) {
        errors.push((e as Error).message);
      }
    },
    onClose() {},
  });
  await ws.opened;
  const direct = directSender(ws);
  assert.ok(direct, "the client end offers direct sending");
  const outbox = new Outbox<{ type: string; n: number }>((f) => ws.send(f), undefined, direct);
  outbox.push({ type: "a", n: 1 });
  outbox.push({ type: "a", n: 2 });
  outbox.flush();
  ws.send(encodeFrame([{ type: "b", n: 3 }]));
  direct([{ n: 4 }]); // no type: refused as a socket's frame would be
  const replies = Promise.withResolvers<void>();
  ws.onMessage = () => replies.resolve();
  await new Promise((r) => setTimeout(r, 0));
  directSender(server!)!([{ type: "reply" }]);
  await replies.promise;
  assert.deepEqual(got, [[{ type: "a", n: 1 }, { type: "a", n: 2 }], [{ type: "b", n: 3 }]]);
  assert.deepEqual(errors, ["Every message must be an object with a string type"]);
  assert.equal(directSender({}), undefined, "a real socket has no direct sender");
  ws.close();
});
