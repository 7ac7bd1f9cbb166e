/**
 * The npm package: built and packed by `scripts/build-npm.ts` + `npm pack`,
 * installed from the tarball into a temp Node project (npm) and a temp Bun
 * project (`bun add`), where `rain start --simple` runs a server and a
 * governor and a client script (`import ... from "@rain/rain"`) runs a concat,
 * a remote function and a msgpack constant, on that runtime, and fetching an
 * arrow object names the optional peer dependency apache-arrow, which is not
 * installed. The package's declarations are
 * type-checked by tsc as a TypeScript user would.
 *
 * @module
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli } from "./_cli.ts";
import { packPackage, run } from "./_package.ts";
import { executable, type ProcessRuntime, ROOT, startReady } from "./_runtime_process.ts";

const FIXTURES = join(ROOT, "tests/fixtures");

/** Makes a project with the tarball installed by the runtime's package manager. */
async function project(runtime: ProcessRuntime, tarball: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `rain-npm-${runtime}-`));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: `rain-${runtime}-user`, private: true, type: "module" }),
  );
  if (runtime === "node") {
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], dir);
  } else {
    await run(executable("bun"), ["add", tarball], dir);
  }
  await copyFile(join(FIXTURES, "npm_client.mjs"), join(dir, "client.mjs"));
  return dir;
}

/** Command lines of processes whose arguments mention `dir`. */
async function processesUnder(dir: string): Promise<string[]> {
  const ps = await run("ps", ["-eo", "args="], ROOT);
  return ps.split("\n").filter((l) => l.includes(dir) && !l.startsWith("ps "));
}

/** Runs `rain start --simple` and the client in the project under `runtime`. */
async function pipeline(runtime: ProcessRuntime, dir: string): Promise<void> {
  const rain = join(dir, "node_modules/.bin/rain");
  // Node runs the bin by its `#!/usr/bin/env node` line; Bun is given it to run.
  const [cmd, ...pre] = runtime === "node" ? [rain] : [executable("bun"), rain];
  const started = await startReady({
    cmd,
    args: [...pre, "start", "--simple", "--listen", "127.0.0.1:0", "--cpus", "2"],
    cwd: dir,
    ready: /listening on (\S+:\d+) [\s\S]*Governor \S+ with 2 cpus joined/,
  });
  try {
    const out = await run(executable(runtime), ["client.mjs", started.ready[1]!], dir);
    assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)!), {
      client: runtime,
      concat: "Hello world!",
      remote: `HELLO WORLD! (executor on ${runtime})`,
      msgpack: { n: [1, 2] },
      arrow: 'Cannot use content type "arrow": the package "apache-arrow" cannot be imported',
    });
    await started.close("SIGINT");
    assert.equal((await started.status).code, 0, `rain stderr:\n${started.stderr()}`);
    assert.deepEqual(await processesUnder(dir), [], "every process of the package exited");
  } finally {
    await started.close();
  }
}

/**
 * `rain start --governor-host-file` of the installed package with its default governor command:
 * an `ssh` stand-in runs the remote command from the project directory (the "login directory"),
 * with no `rain` on the PATH, so the governor is the one `npx --no` finds there.
 */
async function hostFileLaunch(dir: string): Promise<void> {
  const bin = await mkdtemp(join(tmpdir(), "rain-npm-ssh-"));
  try {
    await writeFile(join(bin, "ssh"), `#!/bin/sh\ncd "$RAIN_TEST_HOME" && exec sh -c "$4"\n`, {
      mode: 0o755,
    });
    await writeFile(join(bin, "hosts"), "localhost\n");
    await using rain = startCli(
      [
        "start",
        "--governor-host-file",
        join(bin, "hosts"),
        "--listen",
        "127.0.0.1:0",
        "--cpus",
        "1",
      ],
      {
        prefix: [join(dir, "node_modules/.bin/rain")],
        env: { PATH: `${bin}:/usr/bin:/bin`, RAIN_TEST_HOME: dir },
      },
    );
    await rain.waitFor(/\[localhost\] Governor localhost:\d+ with 1 cpus joined/, 60_000, "stderr");
    rain.child.kill("SIGINT");
    assert.equal((await rain.exited(15_000)).code, 0, rain.stderr.join("\n"));
    assert.deepEqual(await processesUnder(dir), [], "the remote governor stopped with rain start");
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
}

Deno.test("npm package: packed, installed in a Node and a Bun project, runs a pipeline on each", async (t) => {
  await using pack = await packPackage();
  for (const runtime of ["node", "bun"] as const) {
    await t.step(
      `${runtime}: install the tarball, rain start --simple, a client script`,
      async () => {
        const dir = await project(runtime, pack.tarball);
        try {
          await pipeline(runtime, dir);
          if (runtime === "node") {
            await hostFileLaunch(dir);
            // The declarations, as a TypeScript user of the package sees them (strict, no skipLibCheck).
            await copyFile(join(FIXTURES, "npm_types_check.ts"), join(dir, "check.ts"));
            await writeFile(
              join(dir, "tsconfig.json"),
              JSON.stringify({
                compilerOptions: {
                  noEmit: true,
                  strict: true,
                  target: "es2022",
                  module: "nodenext",
                  moduleResolution: "nodenext",
                  lib: ["es2023", "esnext.disposable", "dom"],
                  types: [],
                },
                files: ["check.ts"],
              }),
            );
            await run("node", [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], dir);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  }
});
