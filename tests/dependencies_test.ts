/**
 * API.md, "Dependencies, outputs, labeled lists".
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, DataInstance, LabeledList, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

Deno.test("t.output of a task with zero outputs (store) throws; t.outputs is an empty LabeledList", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const t = tasks.store(blob("x"), "/tmp/rain-test-unused");
  assert.throws(() => t.output, /store task .* has 0 outputs: use \.outputs instead of \.output/);
  assert.ok(t.outputs instanceof LabeledList);
  assert.equal(t.outputs.length, 0);
  assert.deepEqual(t.outputs.labels, []);
  assert.deepEqual(t.spec.outputs, []);
});

Deno.test("a task with zero outputs cannot be passed where a data object is expected", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const t = tasks.store(blob("x"), "/tmp/rain-test-unused", { name: "saver" });
  assert.throws(() => tasks.concat([t]), /task "saver" .* has 0 outputs/);
});

Deno.test("t.outputs is an Array with get(label) and labels; an unlabelled output is labelled by its index", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const t = tasks.concat([blob("a")]);
  assert.ok(Array.isArray(t.outputs));
  assert.ok(t.outputs instanceof LabeledList);
  assert.equal(t.outputs.length, 1);
  assert.deepEqual(t.outputs.labels, ["0"]);
  assert.equal(t.outputs.get("0"), t.output);
  assert.equal(t.outputs[0], t.output);
  assert.equal(t.output.spec.label, "0");
  assert.equal(t.output.producer, t);
  // Derived arrays are plain arrays.
  assert.ok(!(t.outputs.map((o) => o) instanceof LabeledList));
});

Deno.test("outputs.get() of an unknown label throws a RangeError naming it", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const t = tasks.concat([blob("a")]);
  assert.throws(() => t.outputs.get("nope"), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /"nope"/);
    return true;
  });
});

Deno.test("a task with one output can stand for its output: concat([a, t1]) equals concat([a, t1.output])", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("a-");
  const t1 = tasks.concat([blob("t1")]);
  const viaTask = tasks.concat([a, t1]);
  const viaOutput = tasks.concat([a, t1.output]);
  assert.deepEqual(viaTask.spec.inputs, viaOutput.spec.inputs);
  assert.deepEqual(viaTask.inputs, [a, t1.output]);
  const slept = tasks.sleep(t1, 0);
  assert.deepEqual(slept.spec.inputs[0]!.id, t1.output.spec.id);
  viaTask.output.keep();
  viaOutput.output.keep();
  await session.submit();
  assert.equal((await viaTask.output.fetch()).text(), "a-t1");
  assert.equal((await viaOutput.output.fetch()).text(), "a-t1");
});

Deno.test("a task's output can be stored to the governor's file system by a store task", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const path = join(dir.path, "sub", "out.txt");
  const t = tasks.store(tasks.concat([blob("stored "), blob("data")]), path);
  await session.submit();
  await t.wait();
  assert.equal(t.state, "finished");
  assert.equal(await readFile(path, "utf8"), "stored data");
});

Deno.test("keepOutputs() keeps every output and fetchOutputs() returns their DataInstances in order", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("one"), blob("two")]);
  t.keepOutputs();
  assert.ok(t.outputs.every((o) => o.isKept()));
  await session.submit();
  const results = await t.fetchOutputs();
  assert.equal(results.length, 1);
  assert.ok(results[0] instanceof DataInstance);
  assert.equal(results[0]!.text(), "onetwo");
  assert.deepEqual(results[0]!.spec.id, t.output.spec.id);
  // A task without outputs fetches nothing.
  const s = tasks.store(blob("x"), "/tmp/rain-test-unused");
  assert.deepEqual(await s.fetchOutputs(), []);
});

Deno.test("unkeepOutputs() unkeeps every output and the server removes them", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("x")]);
  t.keepOutputs();
  await session.submit();
  await t.wait();
  await t.output.update();
  assert.equal(t.output.state, "finished");
  const p = t.unkeepOutputs();
  assert.ok(p instanceof Promise);
  await p;
  assert.ok(t.outputs.every((o) => !o.isKept()));
  await t.output.update();
  assert.equal(t.output.state, "removed");
  await assert.rejects(t.fetchOutputs(), /not kept/);
});
