/**
 * Builds `wasm/kernels.wasm` from the AssemblyScript sources in
 * `wasm/assembly/*.ts` (every file is an entry; their exports are the
 * module's exports).
 *
 * `kernels.wasm` is committed, so users need no build step; rebuild after
 * editing a kernel and commit the result (`tests/wasm_kernels_test.ts` fails
 * while the committed file differs from a fresh build):
 *
 * ```sh
 * deno run -A wasm/build.ts           # writes wasm/kernels.wasm
 * deno run -A wasm/build.ts out.wasm  # writes elsewhere
 * ```
 *
 * It runs the `asc` compiler of the `assemblyscript` devDependency in-process
 * (the `assemblyscript/asc` API that `node_modules/.bin/asc` wraps), so it
 * needs no Node; `ASC_ARGS` plus the output path is the equivalent
 * `node_modules/.bin/asc` command line.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The repository root; sources are passed relative to it so builds do not depend on the cwd. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The committed build artifact. */
export const KERNELS_WASM: string = fileURLToPath(new URL("./kernels.wasm", import.meta.url));

/** Largest linear memory of the module, in 64 KiB pages (1 GiB). */
export const MAXIMUM_MEMORY_PAGES = 16384;

/** Compiler flags: optimised release build, no runtime (memory is managed by `wasm/mod.ts`). */
export const ASC_FLAGS: readonly string[] = [
  "-O3",
  "--noAssert",
  "--runtime",
  "stub",
  // No `env.abort` import: the module needs no imports at all.
  "--use",
  "abort=",
  "--enable",
  "simd",
  "--maximumMemory",
  String(MAXIMUM_MEMORY_PAGES),
];

/**
 * The kernel sources, relative to the repository root, sorted.
 *
 * @returns Paths like `wasm/assembly/concat.ts`.
 */
export async function sources(): Promise<string[]> {
  const dir = fileURLToPath(new URL("./assembly/", import.meta.url));
  const names = (await readdir(dir)).filter((n) => n.endsWith(".ts")).sort();
  return names.map((n) => `wasm/assembly/${n}`);
}

/**
 * Compiles the kernels.
 *
 * @param outFile Where to write the module.
 * @throws {Error} With the compiler's output when compilation fails.
 */
export async function build(outFile: string = KERNELS_WASM): Promise<void> {
  const { default: asc } = await import("assemblyscript/asc");
  const args = [...(await sources()), ...ASC_FLAGS, "--baseDir", ROOT, "-o", outFile];
  const { error, stderr } = await asc.main(args, {});
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
}

if (import.meta.main) {
  const out = Deno.args[0] ?? KERNELS_WASM;
  await build(out);
  console.log(`wrote ${out}`);
}
