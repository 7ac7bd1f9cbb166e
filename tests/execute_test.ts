import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, directory, Input, InputDir, Output, OutputDir, program, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir, until } from "./_util.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("execute() maps data objects in args and captures stdout", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = blob("rain 1\nsnow\nrain 2\n");
  const t = tasks.execute(["grep", "rain", data], { stdout: true });
  t.keepOutputs();
  await session.submit();
  assert.deepEqual(t.outputs.labels, ["stdout"]);
  assert.equal((await t.output.fetch()).text(), "rain 1\nrain 2\n");
});

Deno.test("execute() with tee gives stdout first, then Outputs among args", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = blob("tee me");
  const t = tasks.execute(["tee", new Output("output1")], { stdout: "output2", stdin: data });
  t.keepOutputs();
  await session.submit();
  assert.deepEqual(t.outputs.labels, ["output2", "output1"]);
  const [a, b] = await t.fetchOutputs();
  assert.equal(a!.text(), "tee me");
  assert.equal(b!.text(), "tee me");
});

Deno.test("execute() with shell: true runs sh -c and outputPaths by string label", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.execute("echo one > a.txt && printf two > log", {
    shell: true,
    outputPaths: ["a.txt", "log"],
  });
  t.keepOutputs();
  await session.submit();
  assert.equal((await t.outputs.get("a.txt").fetch()).text(), "one\n");
  assert.equal((await t.outputs.get("log").fetch()).text(), "two");
});

Deno.test("execute() string args are split like a shell, without a shell", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.execute(`printf '%s|' "a b" c '$HOME'`, { stdout: true });
  t.keepOutputs();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "a b|c|$HOME|");
});

Deno.test("execute() inputs are read-only links unless write: true gives a private copy", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const big = blob(new Uint8Array(2 * 1024 * 1024).fill(65)); // > 1 MiB: stored as a file
  const small = blob("small");
  const modes = tasks.execute(
    ["sh", "-c", "stat -L -c %a big small copy; echo changed >> copy; tail -c 8 copy"],
    {
      inputPaths: [
        new Input("big", { path: "big", dataobj: big }),
        new Input("small", { path: "small", dataobj: small }),
        new Input("copy", { path: "copy", dataobj: small, write: true }),
      ],
      stdout: true,
    },
  );
  const after = tasks.concat([small]);
  modes.keepOutputs();
  after.keepOutputs();
  await session.submit();
  assert.equal((await modes.output.fetch()).text(), "444\n444\n644\nchanged\n");
  assert.equal((await after.output.fetch()).text(), "small", "the original object is unchanged");
});

Deno.test("execute() failure carries the program, exit code and stderr", async () => {
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  tasks.execute(["sh", "-c", "echo 'it broke' >&2; exit 3"]);
  await session.submit();
  await assert.rejects(session.waitAll(), (e: Error) => {
    assert.match(e.message, /Program "sh" exited with code 3/);
    assert.match(e.message, /it broke/);
    return true;
  });
  await session.close();
});

Deno.test("execute() of a missing program and a missing output fail clearly", async () => {
  await using cluster = await startCluster();
  const s1 = cluster.client.newSession();
  tasks.execute("no-such-program-xyz");
  await s1.submit();
  await assert.rejects(s1.waitAll(), /Program "no-such-program-xyz" not found/);
  await s1.close();
  const s2 = cluster.client.newSession();
  tasks.execute("true", { outputPaths: ["never.txt"] });
  await s2.submit();
  await assert.rejects(s2.waitAll(), /"never.txt".*was not created by the program/);
  await s2.close();
});

Deno.test("execute() rejects an output that is a symlink leaving the task directory", async () => {
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  tasks.execute("ln -s /etc/hostname out", { shell: true, outputPaths: ["out"] });
  await session.submit();
  await assert.rejects(session.waitAll(), /outside/);
  await session.close();
});

Deno.test("execute() gives each run an empty directory and empties it after success and failure", async () => {
  await using cluster = await startCluster({ governors: [1] });
  const tasksDir = join(cluster.governors[0]!.workDir, "tasks");
  {
    await using session = cluster.client.newSession();
    const t = tasks.execute("echo x > f; echo junk > j; mkdir -p d/e", {
      shell: true,
      outputPaths: ["f"],
    });
    t.keepOutputs();
    await session.submit();
    await t.output.fetch();
  }
  const session = cluster.client.newSession();
  tasks.execute("echo junk > j; exit 1", { shell: true });
  await session.submit();
  await assert.rejects(session.waitAll());
  await session.close();
  for (const entry of await readdir(tasksDir)) {
    // Beside the slots: the directories of executors a `rain governor` starts ahead, emptied too.
    assert.match(entry, /^(slot|executor)-\d+$/);
    assert.deepEqual(await readdir(join(tasksDir, entry)), [], `${entry} was emptied`);
  }
  await using s2 = cluster.client.newSession();
  const ls = tasks.execute("ls -A", { stdout: true });
  ls.keepOutputs();
  await s2.submit();
  assert.equal((await ls.output.fetch()).text(), "", "the next run starts in an empty directory");
});

Deno.test("OutputDir, makeDirectory and sliceDirectory build and cut directories", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const t = tasks.execute("sh -c 'mkdir -p repo/sub && echo hi > repo/sub/f'", {
    outputPaths: [new OutputDir("repo")],
  });
  const d = tasks.makeDirectory([["myfile.txt", blob("12345")], ["adir", t], [
    "a/deep/path/x",
    blob("67890"),
  ]]);
  const file = tasks.sliceDirectory(d, "a/deep/path/x");
  const sub = tasks.sliceDirectory(d, "adir/sub/");
  const listing = tasks.execute(["ls", "-R", new InputDir("in", { path: "in", dataobj: sub })], {
    stdout: true,
  });
  for (const x of [d, file, sub, listing]) x.keepOutputs();
  await session.submit();
  assert.equal((await file.output.fetch()).text(), "67890");
  assert.equal(sub.output.spec.dataType, "dir");
  assert.match((await listing.output.fetch()).text(), /^in:\nf\n$/);
  await using out = await tempDir();
  await (await d.output.fetch()).write(join(out.path, "d"));
  assert.equal(await readFile(join(out.path, "d/myfile.txt"), "utf8"), "12345");
  assert.equal(await readFile(join(out.path, "d/adir/sub/f"), "utf8"), "hi\n");
});

Deno.test("directory() uploads a client directory; store() and loadDir() round-trip it", async () => {
  await using cluster = await startCluster();
  await using src = await tempDir();
  await mkdir(join(src.path, "x/y"), { recursive: true });
  await writeFile(join(src.path, "x/y/z.txt"), "deep");
  await using out = await tempDir();
  await using session = cluster.client.newSession();
  const d = directory(src.path);
  tasks.store(d, join(out.path, "stored"));
  await session.submit();
  await session.waitAll();
  assert.equal(await readFile(join(out.path, "stored/x/y/z.txt"), "utf8"), "deep");
  const loaded = tasks.loadDir(join(out.path, "stored"));
  const z = tasks.sliceDirectory(loaded, "x/y/z.txt");
  z.keepOutputs();
  await session.submit();
  assert.equal((await z.output.fetch()).text(), "deep");
});

Deno.test("directory() with a symlink leaving it is refused at submit", async () => {
  await using cluster = await startCluster();
  await using src = await tempDir();
  await symlink("/etc", join(src.path, "escape"));
  await using session = cluster.client.newSession();
  directory(src.path);
  await assert.rejects(session.submit(), /points outside/);
});

Deno.test("sliceDirectory() of a missing path fails the task naming it", async () => {
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  tasks.sliceDirectory(tasks.makeDirectory([["a", blob("1")]]), "b");
  await session.submit();
  await assert.rejects(session.waitAll(), /path "b" does not exist/);
  await session.close();
});

Deno.test("program() makes execute tasks from labelled inputs", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const rainGrep = program(["grep", "rain", new Input("my_input", { path: "my_file" })], {
    stdout: true,
  });
  const t = rainGrep.with({ name: "grep/rain" })({ my_input: blob("rain\nsun\nrainbow\n") });
  t.keepOutputs();
  await session.submit();
  assert.equal(t.name, "grep/rain");
  assert.equal(text((await t.output.fetch()).bytes()), "rain\nrainbow\n");
});

Deno.test("execute() maps dir inputs read-only and refuses a path through one into the store", async () => {
  await using cluster = await startCluster();
  {
    await using session = cluster.client.newSession();
    const d = tasks.makeDirectory([["f", blob("1")]]);
    d.keepOutputs();
    const modes = tasks.execute(["stat", "-L", "-c", "%a", "d", "d/f"], {
      inputPaths: [new InputDir("d", { path: "d", dataobj: d })],
      stdout: true,
    });
    modes.keepOutputs();
    await session.submit();
    const [dirMode, fileMode] = (await modes.output.fetch()).text().trim().split("\n").map((m) =>
      parseInt(m, 8)
    );
    assert.equal(dirMode! & 0o222, 0, `the directory is read-only (mode ${dirMode!.toString(8)})`);
    assert.equal(fileMode, 0o444);
  }
  const session = cluster.client.newSession();
  const d = tasks.makeDirectory([["f", blob("1")]]);
  tasks.execute("true", {
    inputPaths: [
      new InputDir("d", { path: "d", dataobj: d }),
      new Input("x", { path: "d/x", dataobj: blob("sneaky") }),
    ],
  });
  await session.submit();
  await assert.rejects(session.waitAll(), /outside/);
  await session.close();
});

Deno.test("execute() fails when an output directory holds a link leaving it", async () => {
  await using cluster = await startCluster();
  const session = cluster.client.newSession();
  tasks.execute("mkdir out && ln -s /etc out/etc", {
    shell: true,
    outputPaths: [new OutputDir("out")],
  });
  await session.submit();
  await assert.rejects(session.waitAll(), /Output "out": .*outside/);
  await session.close();
});

/**
 * A shell program that leaves three `sleep`s running with a duration no one else uses: a child, a
 * grandchild (under another `sh`) and an orphan, whose parent exits at once (so it is re-parented
 * away from the program's tree); and a count of those still running.
 */
function sleepers() {
  const marker = `${31 + Math.random()}`.slice(0, 9);
  const sleep = `sleep ${marker}`;
  return {
    command: `sh -c '${sleep}; true' & (${sleep} &) ; ${sleep}`,
    running: () =>
      spawnSync("pgrep", ["-f", `^${sleep}$`], { encoding: "utf8" }).stdout.trim().split("\n")
        .filter((l) => l).length,
  };
}

Deno.test("closing a session stops an execute task's children, grandchildren and orphans", async () => {
  await using cluster = await startCluster();
  const { command, running } = sleepers();
  const session = cluster.client.newSession();
  const t = tasks.execute(command, { shell: true });
  await session.submit();
  await until(() => running() === 3, "the three sleeps to start");
  assert.equal(t.state, "submitted");
  await session.close();
  await until(() => running() === 0, "the program and every process it started to be killed");
});

Deno.test("a failing task stops the session's execute tasks with every process they started", async () => {
  await using cluster = await startCluster();
  const { command, running } = sleepers();
  const session = cluster.client.newSession();
  tasks.execute(command, { shell: true });
  await session.submit();
  await until(() => running() === 3, "the three sleeps to start");
  tasks.load("/nonexistent/rain-tree-test");
  await session.submit().catch(() => {});
  await assert.rejects(session.waitAll(), /rain-tree-test/);
  await until(() => running() === 0, "the program and every process it started to be killed");
  await session.close();
});
