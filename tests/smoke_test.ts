import assert from "node:assert/strict";
import { blob, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";

Deno.test("concat() joins inputs in order", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.concat([blob("Hello "), blob("world!")]);
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "Hello world!");
});
