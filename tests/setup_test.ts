/**
 * `scripts/setup.sh` (run first by `npm start`, `npm test`, ...): it installs
 * the dependencies only when the installed ones are not those of
 * `package-lock.json`, so `npm start` after the user's own `npm ci` installs
 * nothing. Run on a copy of the script in a scratch project whose `npm` is a
 * stand-in that records its calls.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, copyFile, mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./_package.ts";
import { ROOT } from "./_runtime_process.ts";
import { tempDir } from "./_util.ts";

/** A scratch project: scripts/setup.sh, a lock, and `npm` recording its calls in `npm.log`. */
async function project(dir: string): Promise<void> {
  await mkdir(join(dir, "scripts"));
  await mkdir(join(dir, "bin"));
  await copyFile(join(ROOT, "scripts/setup.sh"), join(dir, "scripts/setup.sh"));
  await writeFile(join(dir, "package-lock.json"), '{"lockfileVersion": 3}\n');
  const npm = join(dir, "bin/npm");
  await writeFile(
    npm,
    `#!/bin/sh\necho "$@" >> "${dir}/npm.log"\nmkdir -p node_modules/.bin\n` +
      `printf '#!/bin/sh\\n' > node_modules/.bin/deno && chmod +x node_modules/.bin/deno\n` +
      "cp package-lock.json node_modules/.package-lock.json\n",
  );
  await chmod(npm, 0o755);
}

async function setup(dir: string): Promise<string[]> {
  const path = `${join(dir, "bin")}:${Deno.env.get("PATH")}`;
  await run("env", [`PATH=${path}`, "sh", "scripts/setup.sh"], dir);
  const log = await readFile(join(dir, "npm.log"), "utf8").catch(() => "");
  return log.split("\n").filter((l) => l);
}

Deno.test("setup.sh installs once, not again after the user's own npm ci, and again when the lock changes", async () => {
  await using dir = await tempDir();
  await project(dir.path);
  assert.deepEqual(await setup(dir.path), ["ci --no-audit --no-fund"], "nothing installed: npm ci");
  assert.deepEqual(await setup(dir.path), ["ci --no-audit --no-fund"], "installed by setup.sh");

  // The user's own `npm ci`: no stamp of setup.sh, npm's hidden lockfile newer than the lock.
  await run("rm", ["node_modules/.rain-installed"], dir.path);
  const past = new Date(Date.now() - 60_000);
  await utimes(join(dir.path, "package-lock.json"), past, past);
  assert.deepEqual(await setup(dir.path), ["ci --no-audit --no-fund"], "after npm ci: no install");

  // A changed lock (git pull): newer than what was installed, and not the stamped one.
  await writeFile(join(dir.path, "package-lock.json"), '{"lockfileVersion": 3, "changed": 1}\n');
  assert.deepEqual(await setup(dir.path), [
    "ci --no-audit --no-fund",
    "ci --no-audit --no-fund",
  ], "a new lock: npm ci again");
});
