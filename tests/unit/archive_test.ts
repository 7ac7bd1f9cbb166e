/**
 * Finished tasks leave the graph once lineage cannot need them: their
 * nodes and specs go, the archive answers for them, and the monitor keeps
 * their specs compactly for the inspector. The coordinator and the monitor
 * run for real; the governor connection is a sink.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Coordinator } from "../../server/coordinator.ts";
import { GovernorLink } from "../../server/governor_link.ts";
import type { ClientLink } from "../../server/client_link.ts";
import { createMonitoring } from "../../server/monitoring.ts";
import { archivedObjectInfo, archivedTaskInfo } from "../../server/monitor/infos.ts";
import type { TaskSpec } from "../../common/attributes.ts";
import { unpackSubmitObject, unpackTaskSpec } from "../../protocol/submit_packing.ts";

const HASH = "xxh128:0123456789abcdef0123456789abcdef";

const tick = () => new Promise((r) => setTimeout(r, 0));

function setUp() {
  const monitoring = createMonitoring();
  const c = new Coordinator(monitoring.events);
  const g = new GovernorLink("g1:1", 2, { send() {}, close() {} }, c.events);
  c.addGovernor(g);
  const s = c.newSession({ address: "test" } as ClientLink, "archive");
  const S = s.id;
  const object = (n: number, keep: boolean, data: Uint8Array | null = null) =>
    unpackSubmitObject([n, "", "", "blob", null, keep, data, null], S);
  const concat = (n: number, inputs: number[], output: number): TaskSpec =>
    unpackTaskSpec([
      n,
      "concat",
      null,
      1,
      "",
      null,
      inputs.length,
      ...inputs.flatMap((i) => [i, ""]),
      output,
    ], S);
  /** Reports every task the governor holds finished, until none is left. */
  const runAll = async () => {
    await tick();
    while (g.tasks.size > 0) {
      for (const t of [...g.tasks]) {
        const out = t.outputs[0]!.spec.id;
        c.finished(g, t.spec.id, { startTime: 1000 + t.spec.id[1], duration: 2.5 }, [{
          id: out,
          size: 7,
          hash: HASH,
        }]);
      }
      await tick();
    }
  };
  return { monitoring, c, g, s, S, object, concat, runAll };
}

Deno.test("a finished task whose outputs were freed keeps no node or spec, and update() still answers", async () => {
  const { monitoring, s, S, c, object, concat, runAll } = setUp();
  // Constant 0; tasks 1 and 3 read it, their outputs 2 and 4 are not kept.
  c.submit(s, [concat(1, [0], 2), concat(3, [0], 4)], [
    object(0, false, new Uint8Array([1])),
    object(2, false),
    object(4, false),
  ]);
  await runAll();
  assert.equal(s.unfinished, 0);
  assert.deepEqual([...s.tasks.keys()], [], "no task node is left");
  assert.deepEqual([...s.objects.keys()], [0], "only the constant (its data feeds later submits)");
  assert.equal(s.objects.get(0)!.consumerTasks.length, 0, "the constant holds no finished task");
  assert.ok(s.archive.hasTask(1) && s.archive.hasTask(3) && s.archive.hasObject(2));
  // The monitor remembers what update() reports of them.
  assert.deepEqual(archivedTaskInfo(monitoring.monitor, S, 3), {
    error: "",
    startTime: 1003,
    duration: 2.5,
    governor: "g1:1",
    debug: "",
    user: {},
  });
  assert.equal(archivedObjectInfo(monitoring.monitor, S, 4).size, 7);
  // The monitor still shows the task's spec in the inspector.
  const record = monitoring.monitor.sessions.get(S)!;
  assert.deepEqual(record.specs.task(3), concat(3, [0], 4));
  assert.equal(record.object(4)?.state, "removed");
  // An archived task's number cannot be submitted again, nor can its output be used.
  assert.throws(() => c.submit(s, [concat(1, [0], 8)], [object(8, false)]), /submitted twice/);
  assert.throws(() => c.submit(s, [concat(9, [2], 10)], [object(10, false)]), /not kept/);
  monitoring.close();
});

Deno.test("tasks stay in the graph while a kept object may need them for a recompute", async () => {
  const { monitoring, s, c, g, object, concat, runAll } = setUp();
  // 0 -> task 1 -> 2 -> task 3 -> 4 (kept): a lost 4 is recomputed through task 1.
  c.submit(s, [concat(1, [0], 2), concat(3, [2], 4)], [
    object(0, false, new Uint8Array([1])),
    object(2, false),
    object(4, true),
  ]);
  await runAll();
  assert.deepEqual([...s.tasks.keys()].sort(), [1, 3], "the lineage of the kept object stays");
  assert.equal(s.objects.get(2)!.state, "removed");
  // Lose the governor: 4 is recomputed, which brings task 1 back first.
  c.removeGovernor(g, "test");
  assert.equal(s.tasks.get(1)!.state, "ready");
  assert.equal(s.tasks.get(3)!.state, "waiting");
  // Once the kept object is let go (on a fresh governor), the whole chain is archived.
  const g2 = new GovernorLink("g2:1", 2, { send() {}, close() {} }, c.events);
  c.addGovernor(g2);
  await tick();
  while (g2.tasks.size > 0) {
    for (const t of [...g2.tasks]) {
      c.finished(g2, t.spec.id, { startTime: 1, duration: 1 }, [{
        id: t.outputs[0]!.spec.id,
        size: 1,
        hash: HASH,
      }]);
    }
    await tick();
  }
  assert.equal(s.objects.get(4)!.state, "finished");
  c.unkeep(s.objects.get(4)!);
  assert.deepEqual([...s.tasks.keys()], []);
  assert.ok(s.archive.hasTask(1) && s.archive.hasTask(3) && s.archive.hasObject(4));
  monitoring.close();
});

Deno.test("a constant read by many tasks lets go of its finished consumers while others still run", async () => {
  const { monitoring, s, c, g, object, concat } = setUp();
  // Constant 0 is read by 200 tasks (2k+1 -> 2k+2); their outputs are not kept.
  const specs: TaskSpec[] = [];
  const objects = [object(0, false, new Uint8Array([1]))];
  for (let k = 0; k < 200; k++) {
    specs.push(concat(2 * k + 1, [0], 2 * k + 2));
    objects.push(object(2 * k + 2, false));
  }
  c.submit(s, specs, objects);
  await tick();
  const constant = s.objects.get(0)!;
  // Finish 150 of the 200: the list held every one of them until the last finished.
  for (let done = 0; done < 150;) {
    const t = [...g.tasks][0]!;
    c.finished(g, t.spec.id, { startTime: 1, duration: 1 }, [{
      id: t.outputs[0]!.spec.id,
      size: 1,
      hash: HASH,
    }]);
    done++;
    if (g.tasks.size === 0) await tick();
  }
  assert.equal(s.unfinished, 50);
  assert.ok(
    constant.consumerTasks.length <= 2 * constant.consumers + 16,
    `${constant.consumerTasks.length} consumers listed for ${constant.consumers} unfinished`,
  );
  const finished = constant.consumerTasks.filter((t) => t.state === "finished").length;
  assert.ok(finished <= constant.consumers + 16, `${finished} finished tasks still listed`);
  // Every unfinished consumer is still listed, to be held back if the constant had to come back.
  for (const t of s.tasks.values()) {
    if (t.state !== "finished") assert.ok(constant.consumerTasks.includes(t), `task ${t.spec.id}`);
  }
  // The archived ones are gone from the graph: nothing else holds them.
  assert.equal(s.archive.tasks, 150);
  monitoring.close();
});
