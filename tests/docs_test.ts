/**
 * The documentation works: every complete example of `docs/` and the README
 * runs against a real cluster and prints what the text after it says, and
 * the API reference builds from the JSDoc (`deno doc --html`) with
 * `deno doc --lint` clean on every public entry point.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { clusterTest, startCluster } from "./_cluster.ts";
import { docBlocks, writeScript } from "./_doc_blocks.ts";
import { run } from "./_package.ts";
import { ROOT } from "./_runtime_process.ts";
import { tempDir } from "./_util.ts";

const DENO_ONLY = "runs Deno scripts and deno doc: covered by the Deno run";
const deno = { node: DENO_ONLY, bun: DENO_ONLY };

/** The public entry points (deno.json's exports). */
const ENTRY_POINTS = ["mod.ts", "client/mod.ts", "server/mod.ts", "governor/mod.ts", "cli/bin.ts"];

clusterTest(
  "every complete example of docs/ and the README runs and prints what the docs say",
  deno,
  async (t) => {
    const files = [
      "README.md",
      ...(await readdir(join(ROOT, "docs"))).filter((f) => f.endsWith(".md")).map((f) =>
        `docs/${f}`
      ),
    ];
    const blocks = (await Promise.all(files.map(docBlocks))).flat();
    assert.ok(blocks.length >= 15, `found ${blocks.length} examples`);
    await using cluster = await startCluster({ governors: [2] });
    for (const block of blocks) {
      await t.step(block.where, async () => {
        await using dir = await tempDir();
        await writeScript(dir.path, block, cluster.address);
        const out = await run(Deno.execPath(), ["run", "-A", "script.ts"], dir.path);
        if (block.expected !== null) assert.equal(out.trimEnd(), block.expected.trimEnd());
      });
    }
  },
);

clusterTest(
  "deno doc --lint is clean and the API reference builds with deno doc --html",
  deno,
  async () => {
    await run(Deno.execPath(), ["doc", "--lint", ...ENTRY_POINTS], ROOT);
    await using out = await tempDir();
    await run(
      Deno.execPath(),
      ["doc", "--html", "--name=Rain for TypeScript", `--output=${out.path}`, ...ENTRY_POINTS],
      ROOT,
    );
    const index = await readFile(join(out.path, "index.html"), "utf8");
    for (const symbol of ["Client", "Session", "remote", "startServer", "startGovernor"]) {
      const all = await readFile(join(out.path, "all_symbols.html"), "utf8");
      assert.match(all, new RegExp(`>${symbol}<`), `${symbol} is in the reference`);
    }
    assert.match(index, /Rain for TypeScript/);
  },
);
