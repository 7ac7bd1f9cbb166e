/**
 * API.md, "Failure semantics".
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { blob, Client, SessionFailedError, tasks } from "../mod.ts";
import { inProcessTest, startCluster } from "./_cluster.ts";
import { barrier, governorStatus, since, tempDir, until, untilRunning } from "./_util.ts";

/** Asserts that a promise rejects with the session-failure error of the missing file. */
function failsWith(path: string, name?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SessionFailedError, `${e} is a SessionFailedError`);
    assert.equal(e.code, "SESSION_FAILED");
    assert.ok(e.message.includes(`Cannot load "${path}": no such file or directory`), e.message);
    if (name) assert.ok(e.message.includes(`"${name}"`), `${e.message} names the task`);
    return true;
  };
}

Deno.test("wait() of a failing task throws an error carrying the task's error", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const missing = join(dir.path, "missing.txt");
  const t = tasks.load(missing, { name: "input/load" });
  await session.submit();
  await assert.rejects(t.wait(), failsWith(missing, "input/load"));
  assert.equal(session.state, "failed");
});

Deno.test("after a task failed, wait, fetch, submit, update and waitAll all throw the task's error", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  try {
    const missing = join(dir.path, "missing.bin");
    const good = tasks.concat([blob("fine")]);
    good.output.keep();
    const bad = tasks.load(missing);
    bad.output.keep();
    const after = tasks.concat([bad]);
    await session.submit();
    await assert.rejects(session.waitAll(), failsWith(missing));
    await assert.rejects(after.wait(), failsWith(missing));
    await assert.rejects(session.wait([good]), failsWith(missing));
    await assert.rejects(bad.output.fetch(), failsWith(missing));
    await assert.rejects(good.output.fetch(), failsWith(missing));
    await assert.rejects(good.update(), failsWith(missing));
    await assert.rejects(bad.output.update(), failsWith(missing));
    await assert.rejects(session.submit(), failsWith(missing));
    await assert.rejects(session.waitAll(), failsWith(missing));
    await assert.rejects(good.output.unkeep(), failsWith(missing));
    assert.throws(
      () => blob("new"),
      failsWith(missing),
      "creating objects in the failed session throws too",
    );
  } finally {
    await session.close();
  }
});

Deno.test("the error reaches a fetch() that was already waiting when the task failed", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const missing = join(dir.path, "nope");
  const slow = tasks.sleep(blob("x"), 5);
  slow.output.keep();
  const bad = tasks.concat([tasks.sleep(tasks.load(missing), 0)]);
  await session.submit();
  const start = performance.now();
  await assert.rejects(slow.output.fetch(), failsWith(missing));
  assert.ok(
    since(start) < 4000,
    "the pending fetch failed with the session, not after the 5 s sleep",
  );
  await assert.rejects(bad.wait(), failsWith(missing));
});

Deno.test("close() never throws: not for a failed session, a closed one, or after the client disconnected", async () => {
  await using cluster = await startCluster();
  const failed = cluster.client.newSession();
  tasks.load("/nonexistent/rain-failure-test");
  await failed.submit();
  await assert.rejects(failed.waitAll(), SessionFailedError);
  await failed.close();
  await failed.close();
  assert.equal(failed.state, "closed");

  const other = await Client.connect(cluster.address);
  const orphan = other.newSession();
  await orphan.submit();
  await other.close();
  await orphan.close();
  assert.equal(orphan.state, "closed");
});

Deno.test("a failing task stops the session's running tasks and frees its objects", async () => {
  await using cluster = await startCluster({ governors: [2] });
  const gov = cluster.governors[0]!.id;
  const failing = cluster.client.newSession();
  let keptId: [number, number];
  try {
    const sleeper = tasks.sleep(blob("x"), 10);
    const kept = tasks.concat([blob("kept")]);
    kept.output.keep();
    await failing.submit();
    await kept.wait();
    keptId = [...kept.output.spec.id];
    await untilRunning(sleeper);
    assert.equal(await governorStatus(cluster, gov, keptId), 200);
    tasks.load("/nonexistent/rain-stop-test");
    await failing.submit();
    await assert.rejects(failing.waitAll(), failsWith("/nonexistent/rain-stop-test"));
  } finally {
    await failing.close();
  }
  const info = await cluster.client.serverInfo();
  assert.deepEqual(
    info.governors[0]!.tasks,
    [],
    "no task of the failed session is left on the governor",
  );
  assert.deepEqual(info.governors[0]!.objects.filter((id) => id[0] === keptId[0]), []);

  // The governor really stopped the 10 s sleep: a 2-cpu task gets both cpus at once.
  await using other = cluster.client.newSession();
  const t = tasks.concat([blob("y")], { cpus: 2 });
  const start = performance.now();
  await other.submit();
  await t.wait();
  assert.ok(since(start) < 5000, `the 2-cpu task waited ${since(start)} ms for the stopped sleep`);
  await barrier(other);
  assert.equal(
    await governorStatus(cluster, gov, keptId),
    404,
    "the governor dropped the failed session's object",
  );
});

inProcessTest(
  "other sessions of the same client are untouched by a failing session and still compute",
  async () => {
    await using cluster = await startCluster();
    await using healthy = cluster.client.newSession({ name: "healthy" });
    const before = tasks.concat([blob("before")]);
    before.output.keep();
    await healthy.submit();
    await before.wait();

    const failing = cluster.client.newSession({ name: "failing" });
    try {
      tasks.load("/nonexistent/rain-isolation-test");
      await failing.submit();
      await assert.rejects(failing.waitAll(), SessionFailedError);
    } finally {
      await failing.close();
    }

    assert.equal(healthy.state, "open");
    assert.equal(cluster.server.coordinator.sessions.get(healthy.id)?.state, "open");
    assert.equal((await before.output.fetch()).text(), "before");
    const later = tasks.concat([before.output, blob(" and after")]);
    later.output.keep();
    await healthy.submit();
    assert.equal((await later.output.fetch()).text(), "before and after");
  },
);

inProcessTest(
  "a client that disconnects loses its sessions: tasks stopped, objects removed",
  async () => {
    await using cluster = await startCluster({ governors: [2] });
    const gov = cluster.governors[0]!.id;
    const leaving = await Client.connect(cluster.address);
    let ids: number[] = [];
    let keptId: [number, number];
    {
      await using a = leaving.newSession({ name: "a" });
      await using b = leaving.newSession({ name: "b" });
      const kept = tasks.concat([blob("kept")]);
      kept.output.keep();
      const sleeper = tasks.sleep(blob("x"), 10, { cpus: 2 });
      await b.submit();
      await a.submit();
      await kept.wait();
      keptId = [...kept.output.spec.id];
      await untilRunning(sleeper);
      ids = [a.id, b.id];
      assert.ok(ids.every((id) => cluster.server.coordinator.sessions.has(id)));
      assert.deepEqual((await cluster.client.serverInfo()).governors[0]!.tasks, [sleeper.spec.id]);
      assert.equal(await governorStatus(cluster, gov, keptId), 200);

      await leaving.close();
      await until(
        () => ids.every((id) => !cluster.server.coordinator.sessions.has(id)),
        "the server to drop the sessions",
      );
    } // closing the sessions of the gone client does not throw

    const info = await cluster.client.serverInfo();
    assert.deepEqual(info.governors[0]!.tasks, []);
    assert.deepEqual(info.governors[0]!.objects.filter((id) => ids.includes(id[0])), []);
    assert.equal(info.governors[0]!.memory, 0);

    // The 10 s sleep was stopped on the governor, so a 2-cpu task runs at once.
    await using session = cluster.client.newSession();
    const t = tasks.concat([blob("y")], { cpus: 2 });
    const start = performance.now();
    await session.submit();
    await t.wait();
    assert.ok(
      since(start) < 5000,
      `the 2-cpu task waited ${since(start)} ms for the gone client's sleep`,
    );
    await barrier(session);
    assert.equal(
      await governorStatus(cluster, gov, keptId),
      404,
      "the governor freed the gone client's kept object",
    );
  },
);

Deno.test("the server tells the client of a failed session unasked: state turns failed, unkeep() throws", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const missing = join(dir.path, "missing.txt");
  const kept = tasks.concat([blob("x")]);
  kept.output.keep();
  tasks.load(missing, { name: "input/load" });
  await session.submit();
  // No request of this session is made until the client knows.
  await until(() => session.state === "failed", "the session to fail");
  await assert.rejects(kept.output.unkeep(), failsWith(missing, "input/load"));
});
