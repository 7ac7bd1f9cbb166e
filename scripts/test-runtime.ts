/**
 * Runs integration test files (those using `tests/_cluster.ts`) with the
 * server, the governors and the client all on Node or all on Bun, for
 * `scripts/test.sh`.
 *
 * The test files run from source under `node --test` (TypeScript transpiled by
 * the hooks of `tests/_node_hooks.mjs`) or `bun test` (with
 * `tests/_bun_preload.ts`), their `Deno.test` and friends coming from
 * `tests/_deno_shim.ts`; the server and governors are processes of the npm
 * bundle in BUNDLE (`RAIN_TEST_RUNTIME`, `RAIN_TEST_BUNDLE`). The runner's
 * output is passed through, then summed up in `deno test`'s format, e.g.
 * `ok | 150 passed | 0 failed | 8 ignored (40s)`, which `.ci/run` counts.
 *
 * Run: `deno run -A scripts/test-runtime.ts node|bun BUNDLE FILE...`
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Test counts of a run. */
export interface Counts {
  /** Tests that passed. */
  passed: number;
  /** Tests that failed. */
  failed: number;
  /** Tests that were skipped. */
  ignored: number;
}

/**
 * Reads the summary that `node --test` (spec reporter) or `bun test` prints.
 *
 * @param runtime Which runner printed it.
 * @param output Its stdout and stderr.
 * @returns The counts, or undefined without a summary.
 */
export function parseSummary(runtime: "node" | "bun", output: string): Counts | undefined {
  const count = (re: RegExp) => Number(output.match(re)?.[1] ?? NaN);
  const [passed, failed, ignored] = runtime === "node"
    ? [count(/^\S* ?pass (\d+)$/m), count(/^\S* ?fail (\d+)$/m), count(/^\S* ?skipped (\d+)$/m)]
    : [count(/^ *(\d+) pass$/m), count(/^ *(\d+) fail$/m), count(/^ *(\d+) skip$/m) || 0];
  return [passed, failed, ignored].some(Number.isNaN) ? undefined : { passed, failed, ignored };
}

/** Passes a stream through to `out` and returns all it carried as text. */
async function tee(stream: ReadableStream<Uint8Array>, out: WritableStream<Uint8Array>) {
  let text = "";
  const decoder = new TextDecoder();
  const writer = out.getWriter();
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    await writer.write(chunk);
  }
  writer.releaseLock();
  return text;
}

/** `deno test`'s duration format: `850ms`, `41s`, `1m2s`. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

if (import.meta.main) {
  const [runtime, bundle, ...files] = Deno.args;
  if ((runtime !== "node" && runtime !== "bun") || !bundle || files.length === 0) {
    console.error("Usage: deno run -A scripts/test-runtime.ts node|bun BUNDLE FILE...");
    Deno.exit(2);
  }
  const start = performance.now();
  const paths = files.map((f) => resolve(f));
  const jobs = availableParallelism();
  const [cmd, args] = runtime === "node"
    ? ["node", [
      ...["--import", join(ROOT, "tests/_node_hooks.mjs"), "--test", "--test-reporter=spec"],
      `--test-concurrency=${jobs}`,
      ...paths,
    ]]
    : [join(ROOT, "node_modules/.bin/bun"), [
      ...["test", "--preload", join(ROOT, "tests/_bun_preload.ts"), "--timeout=600000"],
      `--parallel=${jobs}`,
      ...paths,
    ]];
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { RAIN_TEST_RUNTIME: runtime, RAIN_TEST_BUNDLE: bundle },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = await Promise.all([
    tee(child.stdout, Deno.stdout.writable),
    tee(child.stderr, Deno.stderr.writable),
  ]);
  const { success } = await child.status;
  const counts = parseSummary(runtime, output.join("\n"));
  const ok = success && counts !== undefined && counts.failed === 0;
  const { passed = 0, failed = 1, ignored = 0 } = counts ?? {};
  const ms = performance.now() - start;
  console.log(
    `\n${ok ? "ok" : "FAILED"} | ${passed} passed | ${failed} failed | ${ignored} ignored ` +
      `(${duration(ms)})`,
  );
  if (!counts) console.error(`rain: no test summary from ${runtime}`);
  Deno.exit(ok ? 0 : 1);
}
