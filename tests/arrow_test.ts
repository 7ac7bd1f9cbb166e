/**
 * API.md, "Data types and content types": `load()` of content type `"arrow"`
 * gives an `apache-arrow` `Table`, on the client and in remote functions.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Table, tableFromArrays, tableToIPC } from "apache-arrow";
import { blob, type Context, type DataInstance, Input, Output, remote } from "../mod.ts";
import { startCluster } from "./_cluster.ts";

const rows = (t: Table) => t.toArray().map((r) => r.toJSON());

/** An Arrow IPC blob of three rows. */
function arrowBlob() {
  const table = tableFromArrays({ n: Int32Array.from([1, 2, 3]), s: ["a", "b", "c"] });
  return blob(tableToIPC(table), { contentType: "arrow" });
}

Deno.test("arrow: fetch() then load() gives a Table with the rows", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const b = arrowBlob();
  b.keep();
  await session.submit();
  const d = await b.fetch();
  assert.equal(d.contentType, "arrow");
  const t = d.load() as Table;
  assert.equal(t.numRows, 3);
  assert.deepEqual(rows(t), [{ n: 1, s: "a" }, { n: 2, s: "b" }, { n: 3, s: "c" }]);
});

Deno.test("arrow: remote functions get Tables (autoLoad, Input({ load }), load()) and make arrow", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const sum = (t: Table) => t.toArray().reduce((s, r) => s + (r.toJSON().n as number), 0);
  const auto = remote((_ctx, t: Table) => `${t.numRows} ${t.getChild("s")!.toArray()}`, {
    autoLoad: true,
  });
  const byInput = remote((_ctx, t: Table) => JSON.stringify(t.toArray().map((r) => r.toJSON())), {
    inputs: { t: new Input({ load: true, contentType: "arrow" }) },
  });
  const byHand = remote((_ctx, d: DataInstance) => String((d.load() as Table).numRows));
  const make = remote(async (ctx: Context, n: number) => {
    const arrow = await import("apache-arrow");
    const t = arrow.tableFromArrays({ n: Int32Array.from({ length: n }, (_, i) => i) });
    return ctx.blob(arrow.tableToIPC(t), { contentType: "arrow" });
  }, { outputs: [new Output({ contentType: "arrow" })] });
  const data = arrowBlob();
  const t1 = auto(data), t2 = byInput(data), t3 = byHand(data), t4 = make(4);
  for (const t of [t1, t2, t3, t4]) t.output.keep();
  await session.submit();
  assert.equal((await t1.output.fetch()).text(), "3 a,b,c");
  assert.deepEqual(JSON.parse((await t2.output.fetch()).text()), [
    { n: 1, s: "a" },
    { n: 2, s: "b" },
    { n: 3, s: "c" },
  ]);
  assert.equal((await t3.output.fetch()).text(), "3");
  const made = (await t4.output.fetch()).load() as Table;
  assert.equal(made.numRows, 4);
  assert.equal(sum(made), 6);
});
