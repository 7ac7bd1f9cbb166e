/**
 * Builds the npm package's contents: `dist/` with one ESM file per entry
 * point (`mod.js`, `server.js`, `governor.js`, the `cli.js` bin and the
 * `executor.js` that governors start), their shared chunks, and `.d.ts`
 * declarations under `dist/types/` (made by `tsc` from the sources).
 *
 * `npm pack` then packs `package.json`, `README.md` and `dist/` (its
 * `prepack` script runs this first).
 *
 * Run: `deno run -A scripts/build-npm.ts [--out DIR] [--no-types]`
 *
 * @module
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundle, ROOT } from "./_bundle.ts";

/** The modules whose declarations the package exports (`types` conditions). */
const TYPED_ENTRIES = ["mod.ts", "server/mod.ts", "governor/mod.ts"];

/** Relative `.ts` specifiers in declarations (`from "./x.ts"`, `import("./x.ts")`). */
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.ts\2/g;

/**
 * Writes `.d.ts` files for {@linkcode TYPED_ENTRIES} and what they import into
 * `outdir`, with relative imports pointing at `.js` files as in the package.
 *
 * @param outdir The declarations' directory.
 */
export async function buildTypes(outdir: string): Promise<void> {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  // Declarations only, without type checking: the sources are checked with Deno's
  // types (`deno check`), which tsc does not have.
  const { success, stdout, stderr } = await new Deno.Command("node", {
    args: [
      tsc,
      ...["--declaration", "--emitDeclarationOnly", "--noCheck", "--skipLibCheck", "--strict"],
      ...["--allowImportingTsExtensions", "--target", "es2022", "--lib", "esnext"],
      ...["--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node"],
      ...["--rootDir", ROOT, "--outDir", outdir],
      ...TYPED_ENTRIES.map((e) => join(ROOT, e)),
    ],
    cwd: ROOT,
  }).output();
  if (!success) {
    const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`tsc failed:\n${out}`);
  }
  for (const entry of await readdir(outdir, { recursive: true })) {
    if (!entry.endsWith(".d.ts")) continue;
    const path = join(outdir, entry);
    const text = await readFile(path, "utf8");
    const fixed = text.replace(TS_SPECIFIER, "$1$2$3.js$2");
    if (fixed !== text) await writeFile(path, fixed);
  }
}

/**
 * Builds the package contents.
 *
 * @param out The output directory (emptied first).
 * @param types Whether to write declarations too.
 */
export async function buildPackage(out: string, types = true): Promise<void> {
  await bundle(out);
  if (types) await buildTypes(join(out, "types"));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string", default: "dist" }, "no-types": { type: "boolean" } },
  });
  const out = resolve(ROOT, values.out!);
  const start = performance.now();
  await buildPackage(out, !values["no-types"]);
  console.log(`Built ${out} in ${Math.round(performance.now() - start)} ms`);
}
