/**
 * A mixed cluster: a Deno server (in this process), a Node governor and a
 * Bun governor (processes of the npm bundle), driven by a Node client
 * (`tests/fixtures/mixed_client.mjs` importing the bundle's `mod.js`).
 * Concat, execute and remote tasks all land on both governors, and remote
 * functions run in an executor of their governor's runtime.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../server/mod.ts";
import { run, tempBundle } from "./_package.ts";
import { ROOT, startGovernorProcess } from "./_runtime_process.ts";

/** One task's outcome, as the client script prints it. */
interface Result {
  kind: "concat" | "execute" | "remote";
  text: string;
  governor: string;
}

Deno.test("mixed runtimes: Deno server, Node and Bun governors, Node client", async () => {
  await using bundle = await tempBundle();
  // The governors and the client find the secret in the token file, as users' do.
  const server = await startServer({ port: 0, tokenFile: true });
  const address = `127.0.0.1:${server.port}`;
  const workDirs: string[] = [];
  const governors: { runtime: string; id: string; close(): Promise<void> }[] = [];
  try {
    for (const runtime of ["node", "bun"] as const) {
      const workDir = await mkdtemp(join(tmpdir(), `rain-mixed-${runtime}-`));
      workDirs.push(workDir);
      const { process, id } = await startGovernorProcess({
        runtime,
        bundle: bundle.path,
        server: address,
        cpus: 1,
        workDir,
      });
      governors.push({ runtime, id, close: () => process.close() });
    }
    const count = 8;
    const out = await run("node", [
      "tests/fixtures/mixed_client.mjs",
      bundle.path,
      address,
      String(count),
    ], ROOT);
    const { client, results } = JSON.parse(out.trim().split("\n").at(-1)!) as {
      client: string;
      results: Result[];
    };
    assert.equal(client, "node");
    assert.equal(results.length, 3 * count);
    const runtimeOf = new Map(governors.map((g) => [g.id, g.runtime]));
    for (const kind of ["concat", "execute", "remote"] as const) {
      const mine = results.filter((r) => r.kind === kind);
      assert.deepEqual(
        new Set(mine.map((r) => runtimeOf.get(r.governor))),
        new Set(["node", "bun"]),
        `${kind} tasks ran on both governors: ${JSON.stringify(mine.map((r) => r.governor))}`,
      );
      mine.forEach((r, i) => {
        const expected = kind === "concat"
          ? `concat ${i}`
          : kind === "execute"
          ? `execute ${i}\n`
          : `remote ${i} on ${runtimeOf.get(r.governor)}`;
        assert.equal(r.text, expected);
      });
    }
  } finally {
    for (const g of governors) await g.close();
    await server.close();
    for (const dir of workDirs) await rm(dir, { recursive: true, force: true });
  }
});
