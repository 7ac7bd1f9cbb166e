/**
 * API.md, "Connecting and sessions".
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, type Session, tasks } from "../mod.ts";
import { inProcessTest, startCluster } from "./_cluster.ts";

Deno.test('Client.connect(host, port) and Client.connect("host:port") both connect', async () => {
  await using cluster = await startCluster();
  const port = cluster.server.port;
  const a = await Client.connect("127.0.0.1", port);
  const b = await Client.connect(`127.0.0.1:${port}`);
  try {
    assert.equal(a.address, `127.0.0.1:${port}`);
    assert.equal(b.address, `127.0.0.1:${port}`);
    for (const c of [a, b]) {
      const info = await c.serverInfo();
      assert.deepEqual(info.governors.map((g) => g.id), cluster.governors.map((g) => g.id));
    }
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("Client.connect() to a port where no server listens throws a clear error", async () => {
  // A port that was just free: start a cluster, note its port, close it.
  const cluster = await startCluster();
  const port = cluster.server.port;
  await cluster.close();
  await assert.rejects(
    Client.connect("127.0.0.1", port),
    new RegExp(`Cannot connect to Rain server at 127\\.0\\.0\\.1:${port}`),
  );
});

inProcessTest(
  "the hello-world example runs and leaving the `await using` block closes the session",
  async () => {
    await using cluster = await startCluster();
    const client = cluster.client;
    let session!: Session;
    let id = -1;
    {
      await using s = client.newSession();
      session = s;
      const a = blob("Hello ");
      const b = blob("world!");
      const t = tasks.concat([a, b]);
      t.output.keep();
      await s.submit();
      await s.waitAll();
      assert.equal(t.state, "finished");
      assert.equal((await t.output.fetch()).text(), "Hello world!");
      id = s.id;
      assert.ok(cluster.server.coordinator.sessions.has(id), "the session is open on the server");
    }
    assert.equal(session.state, "closed");
    assert.equal(
      cluster.server.coordinator.sessions.has(id),
      false,
      "the server forgot the closed session",
    );
    assert.throws(() => blob("x"), /No active session/, "the closed session left the stack");
  },
);

Deno.test("newSession() pushes the new session on the active stack; closing pops it (nested sessions)", async () => {
  await using cluster = await startCluster();
  await using outer = cluster.client.newSession({ name: "outer" });
  assert.equal(blob("a").session, outer);
  {
    await using inner = cluster.client.newSession({ name: "inner" });
    const x = blob("b");
    assert.equal(x.session, inner);
    assert.equal(tasks.concat([x]).session, inner);
    {
      await using innermost = cluster.client.newSession();
      assert.equal(blob("c").session, innermost);
    }
    assert.equal(
      blob("d").session,
      inner,
      "closing the innermost session re-activates the inner one",
    );
  }
  assert.equal(blob("e").session, outer, "closing the inner session re-activates the outer one");
});

Deno.test("session.close() removes the session from the stack even when it is not on top", async () => {
  await using cluster = await startCluster();
  await using a = cluster.client.newSession();
  const b = cluster.client.newSession();
  await using c = cluster.client.newSession();
  await b.close();
  assert.equal(blob("x").session, c);
  await c.close();
  assert.equal(blob("y").session, a, "b is gone from the stack, so a is on top");
});

Deno.test("bindOnly() pushes an existing session for a block and pops exactly that entry without closing", async () => {
  await using cluster = await startCluster();
  await using first = cluster.client.newSession();
  await using second = cluster.client.newSession();
  assert.equal(blob("x").session, second);
  let t;
  {
    using _ = first.bindOnly();
    const a = blob("bound ");
    assert.equal(a.session, first);
    t = tasks.concat([a, blob("session")]);
    assert.equal(t.session, first);
  }
  assert.equal(blob("y").session, second, "the bound entry was popped, second is on top again");
  assert.equal(first.state, "open", "bindOnly() does not close the session");
  t.output.keep();
  await first.submit();
  assert.equal((await t.output.fetch()).text(), "bound session");

  // Binding a session that is already on the stack pops only the bound entry.
  {
    using _ = second.bindOnly();
    assert.equal(blob("z").session, second);
  }
  assert.equal(blob("w").session, second, "second's own entry is still on the stack");
});

Deno.test("a default session is the fallback when the stack is empty, and closing it clears the fallback", async () => {
  await using cluster = await startCluster();
  const fallback = cluster.client.newSession({ default: true, name: "interactive" });
  try {
    const a = blob("default ");
    assert.equal(a.session, fallback);
    {
      await using pushed = cluster.client.newSession();
      assert.equal(blob("x").session, pushed, "a pushed session wins over the default one");
    }
    const t = tasks.concat([a, blob("session")]);
    assert.equal(t.session, fallback, "with the stack empty again, the default is used");
    t.output.keep();
    await fallback.submit();
    assert.equal((await t.output.fetch()).text(), "default session");
  } finally {
    await fallback.close();
  }
  assert.throws(
    () => blob("x"),
    /No active session/,
    "closing the default session clears the fallback",
  );
});

Deno.test("newSession({ default: true }) does not push the session over the active one", async () => {
  await using cluster = await startCluster();
  await using active = cluster.client.newSession();
  await using fallback = cluster.client.newSession({ default: true });
  assert.equal(blob("x").session, active);
  await active.close();
  assert.equal(blob("y").session, fallback);
});

Deno.test("creating a task or object with no active and no default session throws a clear error", () => {
  const message = /No active session: create one with client\.newSession\(\)/;
  assert.throws(() => blob("x"), message);
  assert.throws(() => tasks.load("/tmp/x"), message);
  assert.throws(() => tasks.concat([]), message);
});

Deno.test("a closed session cannot be reused: any use throws", async () => {
  await using cluster = await startCluster();
  let session!: Session;
  let t;
  {
    await using s = cluster.client.newSession();
    session = s;
    t = tasks.concat([blob("a")]);
    t.output.keep();
    await s.submit();
    await s.waitAll();
  }
  const closed = new RegExp(`Session ${session.id} is closed`);
  assert.equal(session.state, "closed");
  await assert.rejects(session.submit(), closed);
  await assert.rejects(session.waitAll(), closed);
  await assert.rejects(session.wait([t]), closed);
  await assert.rejects(t.wait(), closed);
  await assert.rejects(t.update(), closed);
  await assert.rejects(t.output.fetch(), closed);
  await assert.rejects(t.output.unkeep(), closed);
  assert.throws(() => session.bindOnly(), closed);
  await session.close(); // closing again is fine and does not throw
});

Deno.test("an object of one session cannot be used by a task of another", async () => {
  await using cluster = await startCluster();
  await using a = cluster.client.newSession();
  const x = blob("x");
  await using _b = cluster.client.newSession();
  assert.throws(() => tasks.concat([x]), /belongs to another session/);
  await assert.rejects(a.wait([x]), /not submitted/);
});

inProcessTest(
  "session.id is -1 until the session exists on the server; ids are final after submit",
  async () => {
    await using cluster = await startCluster();
    await using session = cluster.client.newSession();
    assert.equal(session.id, -1);
    const a = blob("x");
    const t = tasks.concat([a]);
    await session.submit();
    assert.ok(
      Number.isInteger(session.id) && session.id > 0,
      `session id ${session.id} is positive`,
    );
    assert.ok(cluster.server.coordinator.sessions.has(session.id));
    assert.equal(a.spec.id[0], session.id);
    assert.equal(t.spec.id[0], session.id);
    assert.equal(t.output.spec.id[0], session.id);
    assert.deepEqual(t.spec.inputs[0]!.id, a.spec.id);
    assert.deepEqual(t.spec.outputs[0], t.output.spec.id);
    // Numbers are unique within the session.
    const ns = [a.spec.id[1], t.spec.id[1], t.output.spec.id[1]];
    assert.equal(new Set(ns).size, 3);
    // Two sessions get different ids.
    await using other = cluster.client.newSession();
    await other.submit();
    assert.notEqual(other.id, session.id);
  },
);

inProcessTest("a session's name is kept and shown in the dashboard's /api/info", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession({ name: "my pipeline/run 1" });
  assert.equal(session.name, "my pipeline/run 1");
  await session.submit(); // the session now exists on the server
  assert.equal(cluster.server.coordinator.sessions.get(session.id)?.name, "my pipeline/run 1");
  const res = await fetch(`http://${cluster.address}/api/info`, {
    headers: { authorization: `Bearer ${cluster.token}` },
  });
  const info = await res.json() as { sessions: { id: number; name: string }[] };
  assert.deepEqual(info.sessions.find((s) => s.id === session.id)?.name, "my pipeline/run 1");
  await using unnamed = cluster.client.newSession();
  assert.equal(unnamed.name, "");
});
