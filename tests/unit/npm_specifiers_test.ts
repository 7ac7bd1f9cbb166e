/**
 * The sources' `npm:` specifiers: every one names a dependency of
 * `package.json` with its range (so Deno, JSR and npm users get the same
 * versions), and the build and the test loaders make them bare.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { bareSpecifier, NPM_SPECIFIER, withBareSpecifiers } from "../../scripts/npm_specifier.mjs";
import { withBareSpecifiers as bunBare } from "../../runtime/_bun_npm.ts";
import { ROOT } from "../_runtime_process.ts";

/** The library's source directories (what mod.ts, the CLI and the executor import). */
const SOURCES = [
  "client",
  "common",
  "executor",
  "governor",
  "protocol",
  "runtime",
  "server",
  "cli",
];

Deno.test("bareSpecifier() strips npm: and the version range, keeping scope and subpath", () => {
  assert.equal(bareSpecifier("npm:hono@^4.10.0/ws"), "hono/ws");
  assert.equal(bareSpecifier("npm:@msgpack/msgpack@^3.1.3"), "@msgpack/msgpack");
  assert.equal(bareSpecifier("npm:@hono/node-server"), "@hono/node-server");
  assert.equal(bareSpecifier("npm:modern-tar@0.8.6/fs"), "modern-tar/fs");
  assert.equal(bareSpecifier("./mod.ts"), "./mod.ts");
  assert.equal(
    withBareSpecifiers(`import { a } from "npm:hono@^4/ws";\nawait import('npm:ws@^8');`),
    `import { a } from "hono/ws";\nawait import('ws');`,
  );
});

Deno.test("every npm: specifier of the sources names a package.json dependency with its range", async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  const declared: Record<string, string> = { ...pkg.dependencies, ...pkg.peerDependencies };
  const found: string[] = [];
  for (const dir of SOURCES) {
    for (const name of await readdir(join(ROOT, dir), { recursive: true })) {
      if (!name.endsWith(".ts")) continue;
      const text = await readFile(join(ROOT, dir, name), "utf8");
      for (const [, spec] of text.matchAll(/["'](npm:[^"'\s]+)["']/g)) {
        const m = NPM_SPECIFIER.exec(spec!);
        assert.ok(m, `${dir}/${name}: ${spec} is an npm: specifier`);
        const range = /^npm:(?:@[^/@]+\/)?[^/@]+@([^/]*)/.exec(spec!)?.[1];
        assert.equal(range, declared[m[1]!], `${dir}/${name}: ${spec} has ${m[1]}'s range`);
        found.push(spec!);
      }
    }
  }
  assert.ok(found.length >= 10, `found ${found.length} npm: specifiers`);
});

Deno.test("the npm package and the JSR package have the same name, version and license", async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  const jsr = JSON.parse(await readFile(join(ROOT, "deno.json"), "utf8"));
  assert.deepEqual([pkg.name, pkg.version, pkg.license], [jsr.name, jsr.version, jsr.license]);
  assert.equal(pkg.name, "@rain/rain");
  assert.deepEqual(pkg.peerDependenciesMeta?.["apache-arrow"], { optional: true });
  assert.equal(pkg.dependencies["apache-arrow"], undefined, "apache-arrow is not a dependency");
});

Deno.test("Bun's runtime plugin makes npm: specifiers bare exactly as the build tools do", async () => {
  const samples = [
    `import { a } from "npm:hono@^4/ws";\nawait import('npm:ws@^8');`,
    `export { x } from "npm:@msgpack/msgpack@^3.1.3"; import "./local.ts";`,
    `const s = "npm:acorn"; // "not npm:quoted`,
  ];
  for (const dir of ["client", "common", "runtime", "server"]) {
    for (const name of await readdir(join(ROOT, dir))) {
      if (name.endsWith(".ts")) samples.push(await readFile(join(ROOT, dir, name), "utf8"));
    }
  }
  for (const code of samples) assert.equal(bunBare(code), withBareSpecifiers(code));
});
