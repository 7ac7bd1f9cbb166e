/**
 * Builds of the npm package for the tests that run Rain on Node and Bun.
 *
 * @module
 */
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./_runtime_process.ts";

const decoder = new TextDecoder();

/** Runs a command in `cwd`; returns its stdout, throws with its output when it fails. */
export async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const stdout = decoder.decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}):\n${stdout}\n${decoder.decode(out.stderr)}`,
    );
  }
  return stdout;
}

/** A directory removed at disposal. */
export interface TempPath extends AsyncDisposable {
  /** Its path. */
  path: string;
}

function temp(path: string): TempPath {
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Builds the package's JavaScript (`scripts/build-npm.ts --no-types`) into a
 * fresh directory under `node_modules/.cache`, where the bundle's bare
 * imports resolve to the repository's dependencies.
 *
 * @returns The bundle directory, removed at disposal.
 */
export async function tempBundle(): Promise<TempPath> {
  const cache = join(ROOT, "node_modules/.cache");
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, "rain-test-bundle-"));
  await run(
    Deno.execPath(),
    ["run", "-A", "scripts/build-npm.ts", "--out", dir, "--no-types"],
    ROOT,
  );
  return temp(dir);
}

/**
 * Builds the whole package (JavaScript and declarations) in a staging copy
 * (`package.json`, `README.md`, `dist/`) and packs it with `npm pack`.
 *
 * @returns A directory holding the tarball, removed at disposal, and the tarball's path.
 */
export async function packPackage(): Promise<TempPath & { tarball: string }> {
  const dir = temp(await mkdtemp(join(tmpdir(), "rain-pack-")));
  try {
    const stage = join(dir.path, "package");
    await mkdir(stage);
    for (const f of ["package.json", "README.md"]) await copyFile(join(ROOT, f), join(stage, f));
    await run(
      Deno.execPath(),
      ["run", "-A", "scripts/build-npm.ts", "--out", `${stage}/dist`],
      ROOT,
    );
    const out = await run(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir.path],
      stage,
    );
    return { ...dir, tarball: join(dir.path, out.trim().split("\n").at(-1)!) };
  } catch (e) {
    await dir[Symbol.asyncDispose]();
    throw e;
  }
}
