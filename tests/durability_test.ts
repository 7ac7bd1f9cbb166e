/**
 * Durability: a kept object stays while kept, however many tasks read it on
 * however many governors; a failed write into the store (a full disk) fails
 * the task that wrote, and the governor goes on; a governor removes what it
 * left in its work directory at exit and what a killed one left at start.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blob, Client, tasks } from "../mod.ts";
import { type Governor, startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { startCli } from "./_cli.ts";
import { barrier, checkConcat, governorStatus, tempDir, until } from "./_util.ts";

/** A server with governors of the given work dirs (a fresh one for `undefined`) and a client. */
async function cluster(workDirs: (string | undefined)[]) {
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  const governors: Governor[] = [];
  for (const workDir of workDirs) {
    governors.push(await startGovernor({ server: address, token, cpus: 1, workDir }));
  }
  const client = await Client.connect(address, { token });
  return {
    address,
    token,
    governors,
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      for (const g of governors) await g.close().catch(() => {});
      await server.close();
    },
  };
}

Deno.test("a kept object stays while kept, read by many tasks on two governors; unkeep frees it", async () => {
  await using c = await cluster([undefined, undefined]);
  await using session = c.client.newSession();
  const big = tasks.execute("head -c 200000 /dev/zero | tr '\\0' k", { shell: true, stdout: true });
  big.output.keep();
  const readers = Array.from(
    { length: 12 },
    (_, i) =>
      tasks.execute(`sleep 0.05; wc -c; echo ${i}`, { shell: true, stdin: big, stdout: true }),
  );
  for (const r of readers) r.output.keep();
  await session.submit();
  await session.wait([big, ...readers]);
  for (const [i, r] of readers.entries()) {
    assert.equal((await r.output.fetch()).text().replace(/\s+/g, " ").trim(), `200000 ${i}`);
  }
  assert.ok(
    new Set(readers.map((r) => r.info!.governor)).size === 2,
    "readers ran on both governors (one fetched a copy)",
  );
  await barrier(session);
  const holder = big.info!.governor;
  assert.equal(await governorStatus(c, holder, big.output.spec.id), 200, "kept: still held");
  assert.equal((await big.output.fetch()).text(), "k".repeat(200000));
  await big.output.unkeep();
  await barrier(session);
  await until(
    async () => (await governorStatus(c, holder, big.output.spec.id)) === 404,
    "the unkept object to be freed",
  );
});

Deno.test("a governor removes its leftovers at start (a killed one's) and its objects at exit", async () => {
  await using work = await tempDir();
  // What a governor killed with SIGKILL mid-task leaves behind.
  await mkdir(join(work.path, "objects"));
  await writeFile(join(work.path, "objects", "7-1"), "stale");
  await chmod(join(work.path, "objects", "7-1"), 0o444);
  await mkdir(join(work.path, "tasks", "slot-0"), { recursive: true });
  await writeFile(join(work.path, "tasks", "slot-0", "half-written"), "x");
  await writeFile(join(work.path, "mine.txt"), "not Rain's"); // the user's: untouched
  {
    await using c = await cluster([work.path]);
    assert.deepEqual(await readdir(join(work.path, "objects")), [], "stale objects removed");
    assert.deepEqual(await readdir(join(work.path, "tasks")), [], "stale task dirs removed");
    await using session = c.client.newSession();
    const t = tasks.execute("head -c 2000000 /dev/zero", { shell: true, stdout: true });
    t.output.keep();
    await session.submit();
    await t.wait();
    assert.equal((await readdir(join(work.path, "objects"))).length, 1, "a large output is a file");
  }
  assert.deepEqual((await readdir(work.path)).sort(), ["mine.txt"], "objects/ and tasks/ removed");

  // A real governor process killed with SIGKILL in the middle of a task, then restarted.
  const server = await startServer({ port: 0, tokenFile: true });
  const address = `127.0.0.1:${server.port}`;
  try {
    const client = await Client.connect(address, { token: server.token! });
    try {
      {
        await using gov = startCli(["governor", address, "--cpus", "1", "--work-dir", work.path]);
        await gov.waitFor(/^Governor \S+ with 1 cpus joined/);
        const session = client.newSession();
        const done = tasks.execute("head -c 2000000 /dev/zero", { shell: true, stdout: true });
        done.output.keep();
        tasks.execute("echo partial > part; sleep 30", { shell: true, outputPaths: ["part"] });
        await session.submit();
        await done.wait();
        await until(
          async () => (await readdir(join(work.path, "tasks"))).length > 0,
          "the sleeping task's directory",
        );
        gov.child.kill("SIGKILL");
        await gov.exited();
        assert.ok((await readdir(join(work.path, "objects"))).length > 0, "leftovers of the kill");
        await session.close();
      }
      await using again = startCli(["governor", address, "--cpus", "1", "--work-dir", work.path]);
      await again.waitFor(/^Governor \S+ with 1 cpus joined/);
      assert.deepEqual(await readdir(join(work.path, "objects")), []);
      // Nothing of the killed governor's; the executor it starts ahead may have made its
      // directory (empty) by now.
      for (const entry of await readdir(join(work.path, "tasks"))) {
        assert.equal(entry, "executor-1");
        assert.deepEqual(await readdir(join(work.path, "tasks", entry)), []);
      }
      again.child.kill("SIGTERM");
      assert.equal((await again.exited()).code, 0);
      assert.deepEqual((await readdir(work.path)).sort(), ["mine.txt"]);
    } finally {
      await client.close();
    }
  } finally {
    await server.close();
  }
});

/** Mounts a tmpfs of `size` at a new directory; `null` (with the reason printed) where not permitted. */
async function tinyDisk(size: string): Promise<(AsyncDisposable & { path: string }) | null> {
  const path = join(tmpdir(), `rain-full-disk-${Deno.pid}`);
  await mkdir(path, { recursive: true });
  const r = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", path],
    stdout: "null",
    stderr: "piped",
  }).output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  if (!r.success) {
    await rm(path, { recursive: true, force: true });
    console.log(
      `Full-disk test skipped: cannot mount a tmpfs: ${new TextDecoder().decode(r.stderr)}`,
    );
    return null;
  }
  return {
    path,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("umount", { args: [path] }).output();
      await rm(path, { recursive: true, force: true });
    },
  };
}

Deno.test("a write failing on a full disk fails the task that wrote; the governor goes on", async () => {
  await using disk = await tinyDisk("512k");
  if (!disk) return;
  await using c = await cluster([disk.path]);
  {
    await using session = c.client.newSession();
    const half = new Uint8Array(600_000).fill(1);
    // 1.2 MB: above the in-memory limit, so the store writes it to the 512 KiB disk.
    const t = tasks.concat([blob(half), blob(half)]);
    await session.submit();
    await assert.rejects(
      t.wait(),
      /Task concat \d+\/\d+ failed: Cannot store object \d+\/\d+: no space left on device/,
    );
  }
  {
    await using session = c.client.newSession();
    const s = tasks.store(blob(new Uint8Array(300_000)), join(disk.path, "a"));
    const s2 = tasks.store(blob(new Uint8Array(300_000)), join(disk.path, "b"));
    await session.submit();
    await assert.rejects(
      session.wait([s, s2]),
      /Cannot store to ".*": no space left on device/,
    );
  }
  await rm(join(disk.path, "a"), { force: true });
  await rm(join(disk.path, "b"), { force: true });
  assert.ok((await stat(disk.path)).isDirectory());
  await using session = c.client.newSession();
  await checkConcat(session, "still ", "here");
  assert.equal((await c.client.serverInfo()).governors.length, 1, "the governor is still there");
});
