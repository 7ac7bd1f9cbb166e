/**
 * API.md, "Task names and common task options" (and the cpus rule of "Resources").
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, SessionFailedError, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";

Deno.test("name, cpus and user of every built-in factory land in the spec; task.name reads the name", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const opts = {
    name: "group/sub",
    cpus: 2,
    user: { run: 7, tags: ["a", "b"], nested: { ok: true } },
  };
  const a = blob("x");
  const made = [
    tasks.concat([a], opts),
    tasks.sleep(a, 0, opts),
    tasks.load("/tmp/in", opts),
    tasks.store(a, "/tmp/out", opts),
  ];
  for (const t of made) {
    assert.equal(t.name, "group/sub", t.spec.taskType);
    assert.equal(t.spec.name, "group/sub");
    assert.deepEqual(t.spec.resources, { cpus: 2 });
    assert.deepEqual(t.spec.user, opts.user);
  }
});

Deno.test('without options a task has name "", 1 cpu and empty user attributes', async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  assert.equal(t.name, "");
  assert.deepEqual(t.spec.resources, { cpus: 1 });
  assert.deepEqual(t.spec.user, {});
});

Deno.test("many tasks may share a hierarchical name; they all run and keep it", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const ts = [1, 2, 3].map((i) =>
    tasks.concat([blob(`${i}`)], { name: "stage/part", user: { i } })
  );
  for (const t of ts) t.output.keep();
  await session.submit();
  await session.waitAll();
  for (const [i, t] of ts.entries()) {
    assert.equal(t.name, "stage/part");
    assert.equal(t.spec.user.i, i + 1);
    assert.equal((await t.output.fetch()).text(), `${i + 1}`);
  }
});

Deno.test("invalid common options are a TypeError at creation", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const a = blob("x");
  assert.throws(() => tasks.concat([a], { cpus: 0 }), /cpus must be a positive integer, got 0/);
  assert.throws(() => tasks.concat([a], { cpus: 1.5 }), TypeError);
  assert.throws(() => tasks.concat([a], { name: 5 as never }), /name must be a string/);
  assert.throws(
    () => tasks.concat([a], { user: null as never }),
    /user attributes must be an object/,
  );
});

Deno.test("a task that needs more cpus than any governor has fails its session at submit with a clear error", async () => {
  await using cluster = await startCluster({ governors: [2, 3] });
  await using session = cluster.client.newSession();
  tasks.concat([blob("x")], { name: "too/big", cpus: 4 });
  await assert.rejects(session.submit(), (e: unknown) => {
    assert.ok(e instanceof SessionFailedError);
    assert.match(e.message, /Task "too\/big" .* needs 4 cpus but the largest governor has 3/);
    return true;
  });
  assert.equal(session.state, "failed");
  await assert.rejects(session.submit(), /needs 4 cpus/);
});

Deno.test("a task with as many cpus as the largest governor runs there", async () => {
  await using cluster = await startCluster({ governors: [1, 3] });
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")], { cpus: 3 });
  await session.submit();
  await t.wait();
  assert.equal(t.state, "finished");
  assert.equal(t.info?.governor, cluster.governors[1]!.id);
});

Deno.test("a governor never runs tasks whose cpus add up to more than it has", async () => {
  await using cluster = await startCluster({ governors: [2] });
  await using session = cluster.client.newSession();
  const a = blob("x");
  const ts = [
    tasks.sleep(a, 0.2, { cpus: 2 }),
    tasks.sleep(a, 0.2, { cpus: 2 }),
    tasks.sleep(a, 0.2, { cpus: 1 }),
  ];
  await session.submit();
  await session.wait(ts);
  const spans = ts.map((
    t,
  ) => [t.info!.startTime, t.info!.startTime + t.info!.duration, t.spec.resources.cpus]);
  // At each task's start, the cpus of the tasks running then must fit into 2.
  for (const [start] of spans) {
    const busy = spans.filter(([s, e]) => s! <= start! && start! < e!).reduce(
      (n, [, , c]) => n + c!,
      0,
    );
    assert.ok(busy <= 2, `${busy} cpus busy at ${start}: ${JSON.stringify(spans)}`);
  }
});
