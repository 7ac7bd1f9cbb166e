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
import { bareSpecifier } from "../scripts/npm_specifier.mjs";

const EDGE = dirname(fileURLToPath(import.meta.url));

/** Where the bundle goes by default. */
export const WORKER_BUNDLE: string = join(EDGE, "dist", "worker.js");

/**
 * esbuild plugin: `runtime/mod.ts` resolves to the workerd seam and
 * `common/cbor.ts` to `edge/cbor.ts`; `npm:` specifiers are made bare and
 * bundled from `node_modules`, except those imported on first use.
 */
const workerdSeam: esbuild.Plugin = {
  name: "rain-workerd",
  setup(build) {
    build.onResolve({ filter: /\/runtime\/mod\.ts$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/mod\.ts$/, "workerd.ts")),
    }));
    const cbor = join(EDGE, "..", "common", "cbor.ts");
    build.onResolve(
      { filter: /cbor\.ts$/ },
      (args) =>
        join(args.resolveDir, args.path) === cbor ? { path: join(EDGE, "cbor.ts") } : undefined,
    );
    // Packages imported on first use (the optional ones: apache-arrow, msgpack)
    // are left out; the server never uses them.
    build.onResolve(
      { filter: /^npm:/ },
      (args) =>
        args.kind === "dynamic-import"
          ? { path: bareSpecifier(args.path), external: true }
          : build.resolve(bareSpecifier(args.path), {
            kind: args.kind,
            resolveDir: args.resolveDir,
          }),
    );
  },
};

/**
 * Bundles the worker.
 *
 * @param outfile Where to write it.
 * @returns The bundle's size in bytes.
 * @throws {Error} When the build fails or the bundle imports a module
 *   statically (dynamic imports of optional packages are left to run time).
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
    const external = output.imports
      .filter((i) => i.external && i.kind !== "dynamic-import")
      .map((i) => i.path);
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
