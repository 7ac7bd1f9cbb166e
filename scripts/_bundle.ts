/**
 * The JavaScript bundle of the npm package, shared by `scripts/build-npm.ts`,
 * the tests that run Rain on Node and Bun and `bench/all_runtimes.ts`.
 *
 * One ESM file per entry point plus shared chunks, all in one flat directory
 * (the bundled governor finds `executor.js` beside itself). npm dependencies
 * stay external imports, their `npm:` specifiers made bare (`hono/ws`, see
 * `scripts/npm_specifier.mjs`); code is lowered for Node 20 (`using` declarations)
 * and `Promise.withResolvers` is replaced by a stand-in.
 *
 * @module
 */
import { chmod, copyFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { bareSpecifier } from "./npm_specifier.mjs";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** The package's entry points: output name (without `.js`) → source module. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  mod: "mod.ts",
  server: "server/mod.ts",
  governor: "governor/mod.ts",
  cli: "cli/bin.ts",
  executor: "executor/main.ts",
};

/**
 * Files that modules read beside themselves (`new URL("./x", import.meta.url)`),
 * copied next to the bundle's files: source path → name in the bundle.
 */
export const ASSETS: Readonly<Record<string, string>> = {
  "wasm/kernels.wasm": "kernels.wasm",
};

/**
 * Bundles the entry points into `outdir` (emptied first) and copies the
 * {@linkcode ASSETS}; `cli.js` gets a `#!/usr/bin/env node` line and the
 * executable bit.
 *
 * @param outdir The output directory. Bare imports in the bundle must resolve
 *   from there: keep it inside a project that has the dependencies installed.
 * @param extra More entry points (e.g. a benchmark), output name → module
 *   path relative to the repository root.
 */
export async function bundle(outdir: string, extra: Record<string, string> = {}): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const entryPoints = Object.fromEntries(
    Object.entries({ ...ENTRY_POINTS, ...extra }).map(([name, src]) => [name, join(ROOT, src)]),
  );
  try {
    await esbuild.build({
      entryPoints,
      outdir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: ["node20", "es2022"],
      packages: "external",
      logLevel: "warning",
      define: {
        RAIN_BUNDLED_EXECUTOR: JSON.stringify("./executor.js"),
        "import.meta.main": "false",
        "Promise.withResolvers": "promiseWithResolvers",
      },
      inject: [join(ROOT, "scripts/_node20_shims.ts")],
      plugins: [{
        name: "npm-specifiers",
        setup(build) {
          build.onResolve({ filter: /^npm:/ }, (args) => ({
            path: bareSpecifier(args.path),
            external: true,
          }));
        },
      }],
    });
  } finally {
    await esbuild.stop();
  }
  for (const [src, name] of Object.entries(ASSETS)) {
    await copyFile(join(ROOT, src), join(outdir, name));
  }
  const cli = join(outdir, "cli.js");
  await writeFile(cli, `#!/usr/bin/env node\n${await readFile(cli, "utf8")}`);
  await chmod(cli, 0o755);
}
