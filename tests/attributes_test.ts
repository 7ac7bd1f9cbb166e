/**
 * API.md, "Attributes: spec and info".
 *
 * @module
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, tasks } from "../mod.ts";
import { inProcessTest, startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

Deno.test("task.spec has id, taskType, config, inputs, outputs, resources and user", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("a");
  const b = blob("b");
  const t = tasks.concat([a, b], { user: { note: "hi" } });
  await session.submit();
  const spec = t.spec;
  assert.equal(spec.id.length, 2);
  assert.equal(spec.id[0], session.id);
  assert.ok(Number.isInteger(spec.id[1]));
  assert.equal(spec.taskType, "concat");
  assert.equal(spec.config, null);
  assert.deepEqual(spec.inputs, [{ id: a.spec.id, label: "" }, { id: b.spec.id, label: "" }]);
  assert.deepEqual(spec.outputs, [t.output.spec.id]);
  assert.deepEqual(spec.resources, { cpus: 1 });
  assert.deepEqual(spec.user, { note: "hi" });
});

Deno.test("taskType is the factory's name and config carries the factory's arguments", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const a = blob("a");
  assert.equal(tasks.concat([a]).spec.taskType, "concat");
  const s = tasks.sleep(a, 0.25);
  assert.equal(s.spec.taskType, "sleep");
  assert.deepEqual(s.spec.config, { seconds: 0.25 });
  const l = tasks.load("/data/in.txt");
  assert.equal(l.spec.taskType, "load");
  assert.deepEqual(l.spec.config, { path: "/data/in.txt" });
  assert.deepEqual(l.spec.inputs, []);
  const st = tasks.store(a, "/data/out.txt");
  assert.equal(st.spec.taskType, "store");
  assert.deepEqual(st.spec.config, { path: "/data/out.txt" });
  assert.deepEqual(st.spec.outputs, []);
});

Deno.test("load() and store() need an absolute path (TypeError at creation)", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  assert.throws(
    () => tasks.load("relative.txt"),
    /load\(\) needs an absolute path on the governor, got "relative.txt"/,
  );
  assert.throws(() => tasks.store(blob("x"), "out.txt"), TypeError);
  assert.throws(() => tasks.sleep(blob("x"), -1), /non-negative number of seconds/);
});

Deno.test("obj.spec has id, label, contentType, dataType and user", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const c = blob("x", { label: "my label" });
  assert.deepEqual(Object.keys(c.spec).sort(), ["contentType", "dataType", "id", "label", "user"]);
  assert.equal(c.spec.label, "my label");
  assert.equal(c.spec.contentType, "text");
  assert.equal(c.spec.dataType, "blob");
  assert.deepEqual(c.spec.user, {});
  const o = tasks.concat([c]).output;
  assert.equal(o.spec.label, "0");
  assert.equal(o.spec.contentType, "");
  assert.equal(o.spec.dataType, "blob");
});

Deno.test("task.info after update: startTime epoch ms, duration ms, governor host:port, error, debug, user", async () => {
  await using cluster = await startCluster({ governors: [1, 1] });
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.2);
  const before = Date.now();
  await session.submit();
  await t.wait();
  const after = Date.now();
  await t.update();
  const info = t.info!;
  assert.equal(info.error, "");
  assert.ok(
    info.startTime >= before - 50 && info.startTime <= after,
    `startTime ${info.startTime}`,
  );
  assert.ok(
    info.duration >= 150 && info.duration <= after - before + 50,
    `duration ${info.duration}`,
  );
  assert.ok(info.startTime + info.duration <= after + 50);
  assert.match(info.governor, /^[\w.-]+:\d+$/);
  assert.ok(
    cluster.governors.some((g) => g.id === info.governor),
    `${info.governor} is a governor id`,
  );
  assert.equal(typeof info.debug, "string");
  assert.deepEqual(info.user, {});
});

Deno.test("obj.info after update: size in bytes, content type, no error", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const path = join(dir.path, "f.json");
  await writeFile(path, "[1,2,3]");
  const t = tasks.concat([blob("Hello "), blob("world!")]);
  const l = tasks.load(path, { contentType: "json" });
  const out = tasks.concat([l]); // keeps l's output alive until this ran
  out.output.keep();
  await session.submit();
  await session.waitAll();
  await t.output.update();
  assert.equal(t.output.info?.size, 12);
  assert.equal(t.output.info?.error, "");
  assert.equal(t.output.info?.contentType, "");
  await l.output.update();
  assert.equal(l.output.info?.size, 7);
  assert.equal(l.output.info?.contentType, "json");
  await out.output.update();
  assert.equal(out.output.info?.size, 7);
});

Deno.test("spec is immutable once submitted", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("x");
  const tags = ["x"];
  const t = tasks.concat([a], { user: { k: 1, tags } });
  // Before submit it is still being built; references taken now are frozen by the submit too.
  const early = t.spec;
  const earlyObject = a.spec;
  assert.equal(Object.isFrozen(t.spec), false);
  await session.submit();
  assert.throws(() => {
    (early as { name: string }).name = "renamed";
  }, TypeError);
  assert.throws(() => {
    earlyObject.label = "changed";
  }, TypeError);
  assert.throws(() => tags.push("y"), TypeError);
  assert.equal(t.name, "");
  for (
    const spec of [
      t.spec,
      t.spec.inputs,
      t.spec.inputs[0],
      t.spec.resources,
      t.spec.user,
      t.spec.id,
      a.spec,
      t.output.spec,
    ]
  ) {
    assert.ok(Object.isFrozen(spec), JSON.stringify(spec));
  }
  assert.throws(() => {
    (t.spec as { name: string }).name = "changed";
  }, TypeError);
  assert.throws(() => {
    t.spec.resources.cpus = 8;
  }, TypeError);
  assert.throws(() => {
    t.spec.user.k = 2;
  }, TypeError);
  assert.throws(() => {
    a.spec.label = "changed";
  }, TypeError);
  assert.throws(() => t.spec.inputs.push({ id: [0, 0], label: "" }), TypeError);
  assert.equal(t.spec.resources.cpus, 1);
  assert.equal(t.spec.user.k, 1);
});

inProcessTest("user attributes hold JSON values and are sent with the task", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const user = { s: "x", n: 1.5, b: false, nil: null, list: [1, [2]], obj: { deep: { er: "y" } } };
  const t = tasks.concat([blob("x")], { user });
  t.output.keep(); // else the finished task is archived, without its spec
  await session.submit();
  await t.wait();
  const server = cluster.server.coordinator.sessions.get(session.id)!.tasks.get(t.spec.id[1])!;
  assert.deepEqual(server.spec.user, user);
  const monitored = cluster.server.monitoring.monitor.sessions.get(session.id)!;
  assert.deepEqual(monitored.specs.task(t.spec.id[1])!.user, user);
  assert.deepEqual(t.spec.user, user);
});
