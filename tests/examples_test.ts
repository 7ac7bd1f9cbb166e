/**
 * Every example of `examples/` runs against a real cluster (two governors)
 * as its doc comment says (`deno run -A examples/NAME.ts HOST:PORT ...`) and
 * prints the right result.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clusterTest, startCluster } from "./_cluster.ts";
import { run } from "./_package.ts";
import { ROOT } from "./_runtime_process.ts";
import { tempDir } from "./_util.ts";

const DENO_ONLY = "runs the examples with deno run: covered by the Deno run";

/** Primes below n, counted here to check the map/reduce example. */
function primesBelow(n: number): number {
  const composite = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

clusterTest("every example runs against a cluster and prints its result", {
  node: DENO_ONLY,
  bun: DENO_ONLY,
}, async (t) => {
  await using cluster = await startCluster({ governors: [1, 1] });
  await using dir = await tempDir();
  const example = async (name: string, ...args: string[]) =>
    (await run(
      Deno.execPath(),
      ["run", "-A", `examples/${name}.ts`, cluster.address, ...args],
      ROOT,
    ))
      .trimEnd().split("\n");
  const examples = (await readdir(join(ROOT, "examples"))).filter((f) => f.endsWith(".ts")).sort();
  assert.deepEqual(examples, [
    "directories.ts",
    "hello.ts",
    "map_reduce.ts",
    "multiple_submits.ts",
    "word_count.ts",
  ], "each example has a step below");

  await t.step("hello", async () => {
    assert.deepEqual(await example("hello"), ["Hello world!"]);
  });
  await t.step("word_count: files through external programs", async () => {
    const a = join(dir.path, "a.txt");
    const b = join(dir.path, "b.txt");
    await writeFile(a, "Rain rain, go away.\nCome again another day. Rain!\n");
    await writeFile(b, "Little Johnny wants to play; rain, rain, go away.\n");
    assert.deepEqual(await example("word_count", a, b), [
      "2 files; most frequent words of four letters or more:",
      "rain 5",
      "away 2",
      "again 1",
      "another 1",
      "come 1",
    ]);
  });
  await t.step("map_reduce: remote functions", async () => {
    const [line] = await example("map_reduce", "20000", "6");
    assert.equal(
      line,
      `${primesBelow(20000)} primes below 20000, counted in 6 tasks on 2 governor(s)`,
    );
  });
  await t.step("directories: makeDirectory, a program, sliceDirectory", async () => {
    assert.deepEqual(await example("directories", join(dir.path, "out")), [
      "3 cities",
      "rain: oslo, paris",
      "snow: oslo",
      "sun: lima, paris",
    ]);
  });
  await t.step("multiple_submits: keep across submits", async () => {
    const lines = await example("multiple_submits", "2");
    const root = Number(/^sqrt\(2\) = (\S+)$/.exec(lines.at(-1)!)?.[1]);
    assert.ok(Math.abs(root - Math.SQRT2) < 1e-12, lines.join("\n"));
    assert.ok(lines.length >= 4, lines.join("\n"));
  });
});
