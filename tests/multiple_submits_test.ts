/**
 * API.md, "Failure semantics": multiple submits per session.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, type Task, tasks } from "../mod.ts";
import { PART_TASKS, splitSubmit } from "../client/submit_parts.ts";
import { packSubmitObject } from "../protocol/submit_packing.ts";
import { inProcessTest, startCluster } from "./_cluster.ts";

Deno.test("a kept object from an earlier submit can be an input of a later one", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const base = blob("base");
  base.keep();
  const t1 = tasks.concat([base, blob("+1")]);
  t1.output.keep();
  await session.submit();
  await t1.wait();

  const t2 = tasks.concat([t1, blob("+2")]);
  const t3 = tasks.concat([base, blob("+3")]);
  t2.output.keep();
  t3.output.keep();
  await session.submit();
  assert.equal((await t2.output.fetch()).text(), "base+1+2");
  assert.equal((await t3.output.fetch()).text(), "base+3");
  // And again in a third submit.
  const t4 = tasks.concat([t2, t3]);
  t4.output.keep();
  await session.submit();
  assert.equal((await t4.output.fetch()).text(), "base+1+2base+3");
});

Deno.test("a kept object still being computed can be used by the next submit", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const slow = tasks.sleep(blob("slow"), 0.2);
  slow.output.keep();
  await session.submit();
  const next = tasks.concat([slow, blob("!")]);
  next.output.keep();
  await session.submit();
  assert.equal((await next.output.fetch()).text(), "slow!");
});

Deno.test("a non-kept object from an earlier submit cannot be used later: it throws", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const c = blob("c");
  const t1 = tasks.concat([c]);
  await session.submit();
  await t1.wait();
  assert.throws(
    () => tasks.concat([t1]),
    /Cannot use object .* in concat: it was submitted without keep\(\), so a later submit cannot use it/,
  );
  // A constant is not such an object: the server holds its data (tests/rain_compat_test.ts).
  tasks.sleep(c, 0);
  // The session is still usable.
  const ok = tasks.concat([blob("still fine")]);
  ok.output.keep();
  await session.submit();
  assert.equal((await ok.output.fetch()).text(), "still fine");
});

Deno.test("an object unkept after its submit cannot be used by a later submit", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t1 = tasks.concat([blob("x")]);
  t1.output.keep();
  await session.submit();
  await t1.wait();
  await t1.output.unkeep();
  assert.throws(() => tasks.concat([t1]), /submitted without keep\(\)/);
});

inProcessTest("each submit sends only what was created since the previous one", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t1 = tasks.concat([blob("1")]);
  await session.submit();
  const t2 = tasks.concat([blob("2")]);
  await session.submit();
  await session.submit(); // nothing new
  await session.waitAll();
  const server = cluster.server.coordinator.sessions.get(session.id)!;
  // Both finished and their outputs were freed: the graph archived them.
  assert.equal(server.tasks.size + server.archive.tasks, 2);
  assert.equal(t1.state, "finished");
  assert.equal(t2.state, "finished");
});

Deno.test("a submit larger than one part: objects made or first used in one part feed tasks of later parts", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const first = blob("first"); // used only by the very last task
  const early = tasks.concat([blob("early")]); // not kept, used only by the last task
  const made: Task[] = [early];
  for (let i = 0; i < 2 * PART_TASKS; i++) made.push(tasks.concat([blob(`${i % 10}`)]));
  const last = tasks.concat([early, first, made[PART_TASKS]!]);
  made.push(last);
  last.output.keep();
  const parts = splitSubmit(made, [], []);
  assert.equal(parts.length, 3);
  await session.submit();
  assert.equal((await last.output.fetch()).text(), "earlyfirst9");
  await session.waitAll();
});

Deno.test("splitSubmit puts each new object with its producer, else with its first user", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const unused = blob("unused");
  const late = blob("late");
  const all: Task[] = [];
  for (let i = 0; i < PART_TASKS + 1; i++) all.push(tasks.concat([blob("x")]));
  const user = tasks.concat([late, all[0]!]);
  all.push(user);
  const objects = [unused, late, ...all.map((t) => t.output)];
  const wire = objects.map((o) => packSubmitObject(o.spec, false, null));
  const parts = splitSubmit(all, objects, wire);
  assert.equal(parts.length, 2);
  assert.equal(parts[0]!.tasks.length, PART_TASKS);
  assert.equal(parts[1]!.tasks.length, 2);
  const partOf = (o: { spec: { id: [number, number] } }) =>
    parts.findIndex((p) => p.objects.some((w) => w[0] === o.spec.id[1]));
  assert.equal(partOf(unused), 0);
  assert.equal(partOf(late), 1); // first used by the last task
  assert.equal(partOf(all[0]!.output), 0);
  assert.equal(partOf(user.output), 1);
  assert.equal(parts.flatMap((p) => p.objects).length, objects.length);
});
