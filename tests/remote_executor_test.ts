/**
 * API.md, "Remote functions (the TypeScript executor)": what the executor
 * knows (`ctx.info.governor`, the input objects' own specs) and its memory
 * limit (an executor out of memory fails only its task).
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, type DataInstance, Output, remote, SessionFailedError } from "../mod.ts";
import { startCluster } from "./_cluster.ts";

Deno.test("remote: ctx.info.governor is the governor's id", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const t = remote((ctx) => ctx.info.governor)();
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), cluster.governors[0]!.id);
  await t.update();
  assert.equal(t.info!.governor, cluster.governors[0]!.id);
});

Deno.test("remote: an input DataInstance has its object's own spec", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const make = remote((_ctx) => "[1]", { outputs: [new Output("made", { contentType: "json" })] });
  const specs = remote((_ctx, a: DataInstance, b: DataInstance) =>
    JSON.stringify([a.spec, b.spec])
  );
  const src = make(), c = blob("x", { label: "mine" });
  const t = specs(src, c);
  t.output.keep();
  await session.submit();
  const [a, b] = JSON.parse((await t.output.fetch()).text());
  assert.deepEqual(a, { ...src.output.spec, user: {} });
  assert.equal(a.label, "made");
  assert.equal(a.contentType, "json");
  assert.deepEqual(b, { ...c.spec, user: {} });
  assert.equal(b.label, "mine");
  assert.deepEqual(t.spec.inputs.map((i) => i.label), ["a", "b"]); // the labels at the task
});

Deno.test(
  "remote: an executor out of memory fails only its task; the governor runs later ones",
  async () => {
    await using cluster = await startCluster({ governors: [1], executorMemoryMb: 96 });
    {
      await using session = cluster.client.newSession();
      const t = remote((_ctx) => {
        console.error("allocating");
        const keep: unknown[] = [];
        for (let i = 0;; i++) keep.push({ i, s: `item ${i}`, a: [i, i + 1] });
      })();
      await session.submit();
      await assert.rejects(t.wait(), (e: unknown) => {
        assert.ok(e instanceof SessionFailedError);
        assert.match(
          e.message,
          /Executor process ran out of memory \(limit 96 MB\) while running task \d+\/\d+/,
        );
        assert.match(e.message, /Stderr:\nallocating/);
        assert.doesNotMatch(e.message, /Last few GCs|C stack trace/);
        return true;
      });
    }
    {
      await using session = cluster.client.newSession();
      const t = remote((_ctx) => "still fine")();
      t.output.keep();
      await session.submit();
      assert.equal((await t.output.fetch()).text(), "still fine");
    }
  },
);

Deno.test("remote: the memory watchdog stops an executor filling typed arrays outside the heap", async () => {
  await using cluster = await startCluster({ governors: [1], executorMemoryMb: 64 });
  await using session = cluster.client.newSession();
  const t = remote((_ctx) => {
    const keep: Uint8Array[] = [];
    for (;;) keep.push(new Uint8Array(32 * 1024 * 1024).fill(1)); // resident, not heap
  })();
  await session.submit();
  await assert.rejects(
    t.wait(),
    /Executor process ran out of memory \(limit 64 MB\) while running task \d+\/\d+: it held \d+ MB resident/,
  );
});
