/**
 * Frees gathered during a turn go at the end of the governor's frame; one
 * for an object that recovery sent back to that governor in the same turn
 * must not go at all. The coordinator runs for real; the governor
 * connections record the frames they are given.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Coordinator } from "../../server/coordinator.ts";
import { GovernorLink } from "../../server/governor_link.ts";
import type { ClientLink } from "../../server/client_link.ts";
import { decodeFrame } from "../../protocol/codec.ts";
import {
  packSubmitObject,
  unpackSubmitObject,
  unpackTaskSpec,
} from "../../protocol/submit_packing.ts";

Deno.test("a free gathered in a turn does not remove what recovery sent back in the same turn", async () => {
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const frames = new Map<string, unknown[][]>();
  const link = (id: string) => {
    frames.set(id, []);
    return new GovernorLink(id, 1, {
      send: (f) => frames.get(id)!.push(decodeFrame(f)),
      close() {},
    }, c.events);
  };
  const c = new Coordinator();
  const g1 = link("g1"), g2 = link("g2");
  c.addGovernor(g1);
  c.addGovernor(g2);
  const s = c.newSession({} as ClientLink, "free order");
  const S = s.id;
  const object = (n: number, keep: boolean, data: Uint8Array | null) =>
    unpackSubmitObject(
      packSubmitObject(
        { id: [S, n], label: "", contentType: "", dataType: "blob", user: {} },
        keep,
        data,
      ),
      S,
    );
  const concat = (n: number, input: number, output: number) =>
    unpackTaskSpec([n, "concat", null, 1, "", null, 1, input, "", output], S);
  // Constant C=0; P=1: C -> X=2; T1=3: C -> Z=4; T3=5: X -> W=6 (kept).
  c.submit(s, [concat(1, 0, 2), concat(3, 0, 4), concat(5, 2, 6)], [
    object(0, false, new Uint8Array([1])),
    object(2, false, null),
    object(4, false, null),
    object(6, true, null),
  ]);
  await tick();
  const on = (n: number) => s.tasks.get(n)!.governor!;
  assert.notEqual(on(1), on(3), "P and T1 run on different governors");
  c.finished(on(1), [S, 1], { startTime: 0, duration: 0 }, [{ id: [S, 2], size: 1, hash: "" }]);
  await tick();
  const xHolder = s.objects.get(2)!.locations[0]!;
  assert.equal(on(5), xHolder, "T3 runs where X is");
  for (const id of frames.keys()) frames.set(id, []);
  // One turn: scheduling is pending, T1 finishes (C's last consumer: C is
  // freed), and T3 reports that X could not be read: X is recomputed by
  // re-running P, which needs C again and gets it inline.
  c.schedule();
  c.finished(on(3), [S, 3], { startTime: 0, duration: 0 }, [{ id: [S, 4], size: 1, hash: "" }]);
  const info = { error: "lost", startTime: 0, duration: 0, governor: "", debug: "", user: {} };
  c.failed(on(5), [S, 5], info, { id: [S, 2], source: xHolder.id });
  await tick();
  const rerunOn = on(1);
  const messages = frames.get(rerunOn.id)!.flat() as { type: string; ns?: number[] }[];
  const run = messages.findIndex((m) => m.type === "run");
  assert.ok(run >= 0, "P is sent again");
  const freesAfter = messages.slice(run).filter((m) => m.type === "free").flatMap((m) => m.ns);
  assert.ok(!freesAfter.includes(0), `C is not freed after P's run: ${JSON.stringify(messages)}`);
  assert.deepEqual(s.objects.get(0)!.locations, [rerunOn]);
  // The other governor's stale copy of C is freed.
  const other = rerunOn === g1 ? g2 : g1;
  const otherFrees = frames.get(other.id)!.flat() as { type: string; ns?: number[] }[];
  assert.ok(otherFrees.some((m) => m.type === "free" && m.ns!.includes(0)));
});
