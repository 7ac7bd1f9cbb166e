/**
 * API.md, "Waiting".
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { since } from "./_util.ts";

Deno.test("t.wait() returns once the task finished (a 0.3 s sleep takes >= 0.25 s)", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.3);
  const start = performance.now();
  await session.submit();
  await t.wait();
  const elapsed = since(start);
  assert.ok(elapsed >= 250, `t.wait() returned after ${elapsed} ms`);
  assert.equal(t.state, "finished");
  assert.ok(t.info !== null && t.info.duration >= 250, `duration ${t.info?.duration}`);
});

Deno.test("t.output.wait() waits for the object and does not need keep()", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.3);
  const start = performance.now();
  await session.submit();
  assert.equal(t.output.isKept(), false);
  await t.output.wait();
  const elapsed = since(start);
  assert.ok(elapsed >= 250, `obj.wait() returned after ${elapsed} ms`);
  // Not kept: finished, then removed at once since nothing needs it.
  assert.ok(["finished", "removed"].includes(t.output.state), t.output.state);
  assert.equal(t.output.info?.size, 1);
});

Deno.test("session.wait([t1, t2.output]) waits for all of them", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t1 = tasks.sleep(blob("a"), 0.2);
  const t2 = tasks.sleep(blob("b"), 0.4);
  const start = performance.now();
  await session.submit();
  await session.wait([t1, t2.output]);
  const elapsed = since(start);
  assert.ok(
    elapsed >= 350,
    `session.wait() returned after ${elapsed} ms, before the 0.4 s sleep ended`,
  );
  assert.equal(t1.state, "finished");
  assert.notEqual(t2.output.state, "submitted");
  assert.equal(t2.output.info?.size, 1);
});

Deno.test("session.waitAll() waits for every submitted task, across submits", async () => {
  await using cluster = await startCluster({ governors: [4] });
  await using session = cluster.client.newSession();
  const start = performance.now();
  const first = tasks.sleep(blob("a"), 0.3);
  await session.submit();
  const second = [tasks.sleep(blob("b"), 0.1), tasks.concat([blob("c")])];
  await session.submit();
  await session.waitAll();
  const elapsed = since(start);
  assert.ok(elapsed >= 250, `waitAll() returned after ${elapsed} ms`);
  for (const t of [first, ...second]) assert.equal(t.state, "finished");
});

Deno.test("waitAll() of a session with nothing submitted returns at once", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await session.waitAll();
  await session.submit();
  await session.waitAll();
});

Deno.test("waiting for what is already finished returns at once with its state", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  t.output.keep();
  await session.submit();
  await t.wait();
  await t.wait();
  await t.output.wait();
  await session.wait([t, t.output]);
  assert.equal(t.state, "finished");
  assert.equal(t.output.state, "finished");
});

Deno.test("waiting for a task or object that was not submitted throws", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  await assert.rejects(t.wait(), /Cannot wait for concat task .*: it was not submitted/);
  await assert.rejects(t.output.wait(), /it was not submitted/);
  await assert.rejects(session.wait([t]), /it was not submitted/);
});

Deno.test("session.wait() rejects items of another session", async () => {
  await using cluster = await startCluster();
  await using a = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  await a.submit();
  await using b = cluster.client.newSession();
  await b.submit();
  await assert.rejects(b.wait([t]), /belongs to another session/);
});

Deno.test("many waiters on one task are all released", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.2);
  const start = performance.now();
  await session.submit();
  await Promise.all([
    t.wait(),
    t.wait(),
    t.output.wait(),
    session.wait([t, t.output]),
    session.waitAll(),
  ]);
  assert.ok(since(start) >= 150);
  assert.equal(t.state, "finished");
});
