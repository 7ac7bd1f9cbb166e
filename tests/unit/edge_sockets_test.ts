/**
 * The Durable Object's socket table (`edge/sockets.ts`) when the platform
 * hands the object sockets that an earlier instance accepted: after an
 * eviction the coordinator they talked to is gone, so they are closed with a
 * clear reason instead of reaching a fresh coordinator. The platform's state
 * and sockets are stand-ins recording what is done to them (workerd itself
 * runs the worker in `tests/workerd_test.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { DurableSockets, RESTARTED } from "../../edge/sockets.ts";
import type { DurableObjectState, EdgeWebSocket } from "../../edge/platform.ts";

/** A platform socket that records how it was closed. */
class Socket implements EdgeWebSocket {
  closedWith: [number | undefined, string | undefined] | null = null;
  send(): void {}
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
}

function state(sockets: Socket[]): DurableObjectState {
  return {
    acceptWebSocket: (ws) => sockets.push(ws as Socket),
    getWebSockets: () => sockets,
    storage: { setAlarm: () => Promise.resolve() },
  };
}

Deno.test("sockets accepted by an earlier instance are closed with the restart reason", () => {
  const old = [new Socket(), new Socket()];
  const sockets = new DurableSockets(state(old), () => {});
  sockets.closeStale();
  for (const ws of old) assert.deepEqual(ws.closedWith, [RESTARTED.code, RESTARTED.reason]);
  assert.ok(new TextEncoder().encode(RESTARTED.reason).length <= 123, "fits a close frame");
});

Deno.test("a frame on a socket of an earlier instance closes it instead of reaching a handler", () => {
  const stale = new Socket();
  const sockets = new DurableSockets(state([stale]), () => {});
  sockets.message(stale, new ArrayBuffer(4));
  assert.deepEqual(stale.closedWith, [RESTARTED.code, RESTARTED.reason]);
  assert.equal(sockets.size, 0);
});

Deno.test("a peer's close is answered with its code, also on a socket of an earlier instance", () => {
  const stale = new Socket();
  const sockets = new DurableSockets(state([stale]), () => {});
  sockets.closed(stale, 4000);
  assert.deepEqual(stale.closedWith, [4000, undefined]);
  const silent = new Socket();
  sockets.closed(silent, 1005); // no status: answered with a normal closure
  assert.deepEqual(silent.closedWith, [1000, undefined]);
});
