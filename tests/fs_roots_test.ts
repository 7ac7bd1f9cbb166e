/**
 * `fsRoots` (`rain governor --fs-root DIR`): `load`, `loadDir` and `store`
 * act only inside the roots, with symlinks and `..` resolved first; without
 * roots they act anywhere the governor's user may.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, Client, type Session, type Task, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { runCli } from "./_cli.ts";
import { tempDir } from "./_util.ts";

/** Submits `make()`'s task in a fresh session; resolves with its error, or "" when it finished. */
async function outcome(client: Client, make: () => Task): Promise<string> {
  await using session: Session = client.newSession();
  const t = make();
  await session.submit();
  try {
    await t.wait();
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}

Deno.test("fsRoots: load, loadDir and store act only inside the roots, symlinks and .. resolved", async () => {
  await using root = await tempDir();
  await using outside = await tempDir();
  await writeFile(join(root.path, "in.txt"), "inside");
  await mkdir(join(root.path, "dir"));
  await writeFile(join(outside.path, "secret.txt"), "secret");
  await symlink(join(outside.path, "secret.txt"), join(root.path, "link.txt"));
  await symlink(outside.path, join(root.path, "escape"));
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  const gov = await startGovernor({ server: address, token, cpus: 1, fsRoots: [root.path] });
  const client = await Client.connect(address, { token });
  try {
    const roots = `outside the governor's file-system roots \\(${root.path}\\)`;
    assert.equal(await outcome(client, () => tasks.load(join(root.path, "in.txt"))), "");
    assert.equal(await outcome(client, () => tasks.loadDir(join(root.path, "dir"))), "");
    assert.equal(
      await outcome(client, () => tasks.store(blob("new"), join(root.path, "sub/new.txt"))),
      "",
    );
    assert.equal(await readFile(join(root.path, "sub/new.txt"), "utf8"), "new");
    const secret = join(outside.path, "secret.txt");
    const refused: [string, () => Task, RegExp][] = [
      ["load outside", () => tasks.load(secret), new RegExp(`Cannot load ".*": ${roots}`)],
      [
        "load through a symlink",
        () => tasks.load(join(root.path, "link.txt")),
        new RegExp(`Cannot load ".*link\\.txt": it resolves to ".*secret\\.txt", ${roots}`),
      ],
      [
        "load with ..",
        () => tasks.load(`${root.path}/../${secret.split("/").at(-2)}/secret.txt`),
        new RegExp(roots),
      ],
      ["loadDir outside", () => tasks.loadDir(outside.path), new RegExp(`Cannot load directory`)],
      [
        "store outside",
        () => tasks.store(blob("x"), join(outside.path, "planted.txt")),
        new RegExp(`Cannot store to ".*planted\\.txt": ${roots}`),
      ],
      [
        "store through a symlinked directory",
        () => tasks.store(blob("x"), join(root.path, "escape/planted2.txt")),
        new RegExp(`it resolves to ".*planted2\\.txt", ${roots}`),
      ],
    ];
    for (const [what, make, expected] of refused) {
      assert.match(await outcome(client, make), expected, what);
    }
    await assert.rejects(stat(join(outside.path, "planted.txt")), { code: "ENOENT" });
    await assert.rejects(stat(join(outside.path, "planted2.txt")), { code: "ENOENT" });
  } finally {
    await client.close();
    await gov.close();
    await server.close();
  }
});

Deno.test("without fsRoots a governor loads anywhere its user may; --fs-root must name directories", async () => {
  await using outside = await tempDir();
  await writeFile(join(outside.path, "f.txt"), "anywhere");
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const gov = await startGovernor({ server: address, token: server.token!, cpus: 1 });
  const client = await Client.connect(address, { token: server.token! });
  try {
    await using session = client.newSession();
    const t = tasks.load(join(outside.path, "f.txt"));
    t.output.keep();
    await session.submit();
    assert.equal((await t.output.fetch()).text(), "anywhere");
  } finally {
    await client.close();
    await gov.close();
    await server.close();
  }
  const r = await runCli(["governor", "127.0.0.1:1", "--fs-root", join(outside.path, "none")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--fs-root: ".*none" is not an existing directory/);
});
