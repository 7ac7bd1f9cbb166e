/**
 * Builds the Cloudflare Workers bundle of the server: `edge/dist/worker.js`,
 * one ES module with every dependency inside, which `edge/workerd.capnp`
 * (local workerd) and `edge/wrangler.jsonc` (deploy) load.
 *
 * The bundle takes `runtime/workerd.ts` in place of `runtime/mod.ts`, so none
 * of the Deno, Node or Bun seams (nor their `node:` modules) is in it; the
 * build fails if any `node:` import is left. cbor-x's decoder is its no-eval
 * build: workerd allows code generation (`new Function`, which cbor-x uses for
 * fast record readers) at startup, where cbor-x tests for it, but not while
 * serving requests.
 *
 * Run: `deno run -A edge/build.ts [--out FILE]`
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const EDGE = dirname(fileURLToPath(import.meta.url));

/** Where the bundle goes by default. */
export const WORKER_BUNDLE: string = join(EDGE, "dist", "worker.js");

/** esbuild plugin: `runtime/mod.ts` resolves to the workerd seam. */
const workerdSeam: esbuild.Plugin = {
  name: "rain-workerd-runtime",
  setup(build) {
    build.onResolve({ filter: /\/runtime\/mod\.ts$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/mod\.ts$/, "workerd.ts")),
    }));
  },
};

/**
 * Bundles the worker.
 *
 * @param outfile Where to write it.
 * @returns The bundle's size in bytes.
 * @throws {Error} When the build fails or the bundle imports a `node:` module.
 */
export async function buildWorker(outfile: string = WORKER_BUNDLE): Promise<number> {
  try {
    const result = await esbuild.build({
      entryPoints: [join(EDGE, "worker.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      mainFields: ["module", "main"],
      conditions: ["workerd", "worker", "import"],
      alias: { "cbor-x/decode": "cbor-x/decode-no-eval" },
      logLevel: "warning",
      metafile: true,
      plugins: [workerdSeam],
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    const external = output.imports.filter((i) => i.external).map((i) => i.path);
    if (external.length > 0) {
      throw new Error(`Cannot build the worker: the bundle imports ${external.join(", ")}`);
    }
    return output.bytes;
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
  const out = values.out ?? WORKER_BUNDLE;
  const bytes = await buildWorker(out);
  console.log(`${out}: ${(bytes / 1024).toFixed(0)} KiB`);
}
