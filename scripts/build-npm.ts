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
import ts from "typescript";
import { bundle, ROOT } from "./_bundle.ts";
import { bareSpecifier, withBareSpecifiers } from "./npm_specifier.mjs";

/** The modules whose declarations the package exports (`types` conditions). */
const TYPED_ENTRIES = ["mod.ts", "server/mod.ts", "governor/mod.ts"];

/** Relative `.ts` specifiers in declarations (`from "./x.ts"`, `import("./x.ts")`). */
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.ts\2/g;

/**
 * Writes `.d.ts` files for {@linkcode TYPED_ENTRIES} and what they import into
 * `outdir`, with relative imports pointing at `.js` files and `npm:`
 * specifiers made bare, as in the package. TypeScript resolves the sources'
 * `npm:` specifiers as bare ones (from `node_modules`), so types inferred from
 * npm packages are written out as they are, not as `any`.
 *
 * @param outdir The declarations' directory.
 */
export async function buildTypes(outdir: string): Promise<void> {
  // Declarations only, without type checking: the sources are checked with Deno's
  // types (`deno check`), which tsc does not have.
  const options: ts.CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    noCheck: true,
    skipLibCheck: true,
    strict: true,
    allowImportingTsExtensions: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.esnext.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    rootDir: ROOT,
    outDir: outdir,
  };
  const host = ts.createCompilerHost(options);
  host.resolveModuleNameLiterals = (literals, file, redirected, opts, sourceFile) =>
    literals.map((literal) =>
      ts.resolveModuleName(
        bareSpecifier(literal.text),
        file,
        opts,
        host,
        undefined,
        redirected,
        ts.getModeForUsageLocation(sourceFile, literal, opts),
      )
    );
  const program = ts.createProgram(TYPED_ENTRIES.map((e) => join(ROOT, e)), options, host);
  const { emitSkipped, diagnostics } = program.emit(undefined, undefined, undefined, true);
  if (emitSkipped) {
    throw new Error(`tsc failed:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  for (const entry of await readdir(outdir, { recursive: true })) {
    if (!entry.endsWith(".d.ts")) continue;
    const path = join(outdir, entry);
    const text = await readFile(path, "utf8");
    const fixed = withBareSpecifiers(text.replace(TS_SPECIFIER, "$1$2$3.js$2"));
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
