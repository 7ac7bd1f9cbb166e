/**
 * Runs `bench/throughput.ts` on Deno (from source) and on Node and Bun (from
 * a bundle made like the npm package's), one after the other, and prints
 * each runtime's figures. Server, governor and client share the runtime.
 *
 * Run: `deno run -A bench/all_runtimes.ts [--tasks N] [--rounds N]`
 *
 * @module
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { bundle, ROOT } from "../scripts/_bundle.ts";

const cache = join(ROOT, "node_modules/.cache");
await mkdir(cache, { recursive: true });
// Under the repository's node_modules, so the bundle's bare imports resolve.
const dir = await mkdtemp(join(cache, "rain-bench-"));
try {
  await bundle(dir, { throughput: "bench/throughput.ts" });
  const script = join(dir, "throughput.js");
  const runs: [string, string, string[]][] = [
    ["deno", Deno.execPath(), ["run", "-A", join(ROOT, "bench/throughput.ts")]],
    ["node", "node", [script]],
    ["bun", join(ROOT, "node_modules/.bin/bun"), [script]],
  ];
  for (const [name, cmd, args] of runs) {
    console.log(`== ${name}`);
    const { code } = await new Deno.Command(cmd, {
      args: [...args, ...Deno.args],
      cwd: ROOT,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) console.log(`${name}: exited with code ${code}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
