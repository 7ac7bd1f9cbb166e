/**
 * API.md, "Introspection and state".
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, SessionFailedError, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { untilRunning } from "./_util.ts";

Deno.test("task.state goes unsubmitted → submitted → running → finished", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.5);
  assert.equal(t.state, "unsubmitted");
  await session.submit();
  assert.equal(t.state, "submitted");
  await untilRunning(t);
  assert.equal(t.info?.governor, cluster.governors[0]!.id);
  await t.wait();
  assert.equal(t.state, "finished");
});

Deno.test("obj.state goes unsubmitted → submitted → finished, and a kept object → removed after unkeep", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.3);
  t.output.keep();
  assert.equal(t.output.state, "unsubmitted");
  await session.submit();
  assert.equal(t.output.state, "submitted");
  await t.output.update();
  assert.equal(t.output.state, "submitted", "still sleeping");
  await t.output.wait();
  assert.equal(t.output.state, "finished");
  await t.output.update();
  assert.equal(t.output.state, "finished", "kept, so not removed");
  await t.output.unkeep();
  await t.output.update();
  assert.equal(t.output.state, "removed");
});

Deno.test('a non-kept object is "removed" once its consumers ran', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("x");
  const first = tasks.sleep(a, 0.2);
  const second = tasks.concat([first, blob("y")]);
  await session.submit();
  await first.output.update();
  assert.equal(first.output.state, "submitted");
  await second.wait();
  await first.output.update();
  await a.update();
  assert.equal(first.output.state, "removed");
  assert.equal(a.state, "removed");
});

Deno.test("obj.isKept() follows keep() and unkeep()", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  assert.equal(t.output.isKept(), false);
  t.output.keep();
  assert.equal(t.output.isKept(), true);
  await session.submit();
  assert.equal(t.output.isKept(), true);
  await t.output.unkeep();
  assert.equal(t.output.isKept(), false);
});

Deno.test("session.id is -1 before and positive after the first submit", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  assert.equal(session.id, -1);
  await session.submit();
  assert.ok(session.id > 0);
  const id = session.id;
  tasks.concat([blob("x")]);
  await session.submit();
  assert.equal(session.id, id, "the id is final");
});

Deno.test('session.state is "open", then "failed" after a task failed, then "closed"', async () => {
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  try {
    assert.equal(session.state, "open");
    tasks.load("/nonexistent/rain-introspection-test");
    await session.submit();
    assert.equal(session.state, "open");
    await assert.rejects(session.waitAll(), SessionFailedError);
    assert.equal(session.state, "failed");
  } finally {
    await session.close();
  }
  assert.equal(session.state, "closed");
});

Deno.test("task.info and obj.info are null before the first refresh after submit", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  assert.equal(t.info, null);
  assert.equal(t.output.info, null);
  await session.submit();
  assert.equal(t.info, null);
  assert.equal(t.output.info, null);
  await t.wait();
  assert.notEqual(t.info, null);
  await t.output.update();
  assert.notEqual(t.output.info, null);
});

Deno.test("serverInfo() lists every governor with its id, cpus, tasks, objects and memory", async () => {
  await using cluster = await startCluster({ governors: [1, 3] });
  await using session = cluster.client.newSession();
  const before = await cluster.client.serverInfo();
  assert.deepEqual(
    before.governors.map((g) => [g.id, g.cpus]).sort(),
    cluster.governors.map((g) => [g.id, g.cpus]).sort(),
  );
  for (const g of before.governors) {
    assert.match(g.id, /^[\w.-]+:\d+$/);
    assert.deepEqual(g.tasks, []);
    assert.deepEqual(g.objects, []);
    assert.equal(g.memory, 0);
  }

  // A running task is listed on its governor, a kept object on the governor holding it.
  const sleeper = tasks.sleep(blob("x"), 0.5, { cpus: 3 });
  const kept = tasks.concat([blob("0123456789")]);
  kept.output.keep();
  await session.submit();
  await kept.wait();
  await untilRunning(sleeper);
  const during = await cluster.client.serverInfo();
  const big = during.governors.find((g) => g.id === cluster.governors[1]!.id)!;
  assert.deepEqual(big.tasks, [sleeper.spec.id]);
  const holder = during.governors.find((g) => g.id === kept.info!.governor)!;
  assert.ok(
    holder.objects.some((id) =>
      id[0] === kept.output.spec.id[0] && id[1] === kept.output.spec.id[1]
    ),
  );
  assert.ok(holder.memory >= 10, `memory ${holder.memory} counts the kept object's 10 bytes`);

  await sleeper.wait();
  const after = await cluster.client.serverInfo();
  assert.deepEqual(after.governors.find((g) => g.id === big.id)!.tasks, []);
});
