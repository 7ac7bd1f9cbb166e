/**
 * The library imported from anywhere, as a new user would: a Deno script in a
 * temporary folder outside the repository (no `deno.json`, no `package.json`,
 * no `node_modules` there) imports `mod.ts` by path and runs with plain
 * `deno run -A script.ts`, against a real cluster. (Node and Bun users get
 * the npm package: `tests/npm_package_test.ts` installs it into temporary
 * projects and runs a client there.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { clusterTest, startCluster } from "./_cluster.ts";
import { run } from "./_package.ts";
import { ROOT } from "./_runtime_process.ts";
import { tempDir } from "./_util.ts";

const SCRIPT = (mod: string) => `
import { blob, Client, Input, program, remote, tasks } from ${JSON.stringify(mod)};

const client = await Client.connect(Deno.args[0]!);
{
  await using session = client.newSession({ name: "from anywhere" });
  const hello = tasks.concat([blob("Hello "), blob("world!")]);
  const upper = remote((_ctx, s: string, url = "http://x") => \`\${s.toUpperCase()} \${url}\`)("remote");
  const sort = program("sort", { stdin: "lines", stdout: true })({ lines: blob("b\\na\\n") });
  const packed = tasks.concat([blob([1, 2], { encode: "msgpack" })]);
  for (const t of [hello, upper, sort, packed]) t.output.keep();
  await session.submit();
  console.log(JSON.stringify({
    concat: (await hello.output.fetch()).text(),
    remote: (await upper.output.fetch()).text(),
    program: (await sort.output.fetch()).text(),
    msgpack: [...(await packed.output.fetch()).bytes()],
  }));
}
await client.close();
`;

const DENO_ONLY = "runs a Deno script: covered by the Deno run";

clusterTest(
  "a Deno script in a folder outside the repository imports mod.ts by path and runs with plain deno run -A",
  {
    node: DENO_ONLY,
    bun: DENO_ONLY,
  },
  async () => {
    await using cluster = await startCluster();
    await using dir = await tempDir();
    assert.ok(!dir.path.startsWith(ROOT), `${dir.path} is outside ${ROOT}`);
    await writeFile(join(dir.path, "script.ts"), SCRIPT(pathToFileURL(join(ROOT, "mod.ts")).href));
    const out = await run(Deno.execPath(), ["run", "-A", "script.ts", cluster.address], dir.path);
    assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)!), {
      concat: "Hello world!",
      remote: "REMOTE http://x",
      program: "a\nb\n",
      msgpack: [146, 1, 2],
    });
  },
);

clusterTest(
  "from a folder outside the repository, the rain command runs by path and the optional packages stay unimported",
  {
    node: DENO_ONLY,
    bun: DENO_ONLY,
  },
  async () => {
    await using dir = await tempDir();
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    // The module JSR's `jsr:@rain/rain/cli` export names.
    const version = await run(
      Deno.execPath(),
      ["run", "-A", join(ROOT, "cli/bin.ts"), "--version"],
      dir.path,
    );
    assert.equal(version.trim(), pkg.version);
    // Importing the library (client, server, governor) imports neither apache-arrow nor @msgpack/msgpack.
    const url = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
    await writeFile(
      join(dir.path, "script.ts"),
      `import ${url("mod.ts")};\nimport ${url("server/mod.ts")};\nimport ${
        url("governor/mod.ts")
      };\n` +
        `const { arrow, msgpack } = await import(${url("common/optional.ts")});\n` +
        "console.log(JSON.stringify([arrow.loaded, msgpack.loaded]));\n",
    );
    const out = await run(Deno.execPath(), ["run", "-A", "script.ts"], dir.path);
    assert.deepEqual(JSON.parse(out), [false, false]);
  },
);
