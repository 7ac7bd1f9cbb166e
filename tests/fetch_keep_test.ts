/**
 * API.md, "Fetching, keep and unkeep".
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, DataInstance, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { barrier, governorStatus, since } from "./_util.ts";

Deno.test("fetch() of a kept output gives bytes(), text() and load()", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("Hello ");
  const b = blob("world!");
  const t = tasks.concat([a, b]);
  t.output.keep();
  const j = tasks.sleep(blob({ answer: 42, list: [1, "two"] }, { encode: "json" }), 0);
  j.output.keep();
  await session.submit();
  const result = await t.output.fetch();
  assert.ok(result instanceof DataInstance);
  assert.ok(result.bytes() instanceof Uint8Array);
  assert.deepEqual(result.bytes(), new TextEncoder().encode("Hello world!"));
  assert.equal(result.text(), "Hello world!");
  const json = await j.output.fetch();
  assert.equal(json.contentType, "json");
  assert.deepEqual(json.load(), { answer: 42, list: [1, "two"] });
});

Deno.test("fetch() blocks until the object is finished and refreshes its state and info", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("late"), 0.3);
  t.output.keep();
  const start = performance.now();
  await session.submit();
  assert.equal(t.output.state, "submitted");
  const result = await t.output.fetch();
  assert.ok(
    since(start) >= 250,
    `fetch() returned after ${since(start)} ms, before the 0.3 s sleep ended`,
  );
  assert.equal(result.text(), "late");
  assert.equal(t.output.state, "finished");
  assert.equal(t.output.info?.size, 4);
});

Deno.test("keep() is only allowed before submit: after submit it throws", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  await session.submit();
  assert.throws(
    () => t.output.keep(),
    /Cannot keep object .*: keep\(\) is only allowed before submit/,
  );
  assert.equal(t.output.isKept(), false);
});

Deno.test("fetch() of an object that is not kept throws", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  await session.submit();
  await t.wait();
  await assert.rejects(t.output.fetch(), /Cannot fetch object .*: it is not kept/);
});

Deno.test("objects not kept are removed by the server as soon as no further task needs them", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("a");
  const t1 = tasks.concat([a, blob("b")]);
  const t2 = tasks.concat([t1, blob("c")]);
  t2.output.keep();
  await session.submit();
  await t2.wait();
  await a.update();
  await t1.output.update();
  await t2.output.update();
  assert.equal(a.state, "removed", "a constant is removed once its consumer ran");
  assert.equal(
    t1.output.state,
    "removed",
    "an intermediate output is removed once its consumer ran",
  );
  assert.equal(t2.output.state, "finished", "the kept output stays");
  const [gov] = (await cluster.client.serverInfo()).governors;
  const held = gov!.objects.filter((id) => id[0] === session.id);
  assert.deepEqual(held, [t2.output.spec.id], "the governor holds only the kept object");
  await barrier(session);
  assert.equal(
    await governorStatus(cluster, gov!.id, t1.output.spec.id),
    404,
    "the governor freed the intermediate",
  );
  assert.equal(await governorStatus(cluster, gov!.id, t2.output.spec.id), 200);
  assert.equal((await t2.output.fetch()).text(), "abc");
});

Deno.test("unkeep() tells the server at once: the object is removed everywhere and cannot be fetched", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x"), blob("y")]);
  t.output.keep();
  assert.equal(t.output.isKept(), true);
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "xy");
  const gov = cluster.governors[0]!.id;
  assert.equal(await governorStatus(cluster, gov, t.output.spec.id), 200);
  await t.output.unkeep();
  assert.equal(t.output.isKept(), false);
  await t.output.update();
  assert.equal(t.output.state, "removed");
  const info = await cluster.client.serverInfo();
  assert.ok(
    !info.governors[0]!.objects.some((id) => id[0] === session.id && id[1] === t.output.spec.id[1]),
  );
  await barrier(session);
  assert.equal(
    await governorStatus(cluster, gov, t.output.spec.id),
    404,
    "the governor freed the data",
  );
  await assert.rejects(t.output.fetch(), /not kept/);
});

Deno.test("unkeep() of an object still being computed removes it once it is finished", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 0.1);
  t.output.keep();
  await session.submit();
  await t.output.unkeep(); // any time: here while the task still runs
  await t.wait();
  await t.output.update();
  assert.equal(t.output.state, "removed");
});

Deno.test("unkeep() before submit means the object is not kept", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  t.output.keep();
  await t.output.unkeep();
  assert.equal(t.output.isKept(), false);
  await session.submit();
  await t.wait();
  await t.output.update();
  assert.equal(t.output.state, "removed");
  await assert.rejects(t.output.fetch(), /not kept/);
});

Deno.test("a kept constant can be fetched back", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const bytes = new Uint8Array([0, 1, 2, 255]);
  const c = blob(bytes);
  c.keep();
  await session.submit();
  const r = await c.fetch();
  assert.deepEqual(r.bytes(), bytes);
  assert.equal(r.contentType, "");
});

Deno.test("a large kept output (over the inline limit) is fetched from the governor", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const big = new Uint8Array(600 * 1024).map((_, i) => i % 251);
  const t = tasks.concat([blob(big), blob(big)]);
  t.output.keep();
  await session.submit();
  const r = await t.output.fetch();
  assert.equal(r.bytes().length, big.length * 2);
  assert.deepEqual(r.bytes().subarray(big.length), big);
  assert.equal(r.info.size, big.length * 2);
});
