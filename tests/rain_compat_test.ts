/**
 * Behaviours that Rain's users rely on (Rain's own test suite ported to this
 * API), where this project once was stricter or different without a reason
 * a user would accept. Where an error is still expected, its text is quoted.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  blob,
  type DataInstance,
  directory,
  Input,
  InputDir,
  OutputDir,
  program,
  remote,
  SessionFailedError,
  type Task,
  tasks,
} from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir, until, untilRunning } from "./_util.ts";

Deno.test("execute: an output that is an input mapped into the task directory is that data", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await using out = await tempDir();
  const x = tasks.makeDirectory([["a.txt", blob("A")], ["sub/b.txt", blob("B")]]);
  const big = blob(new Uint8Array(2 * 1024 * 1024).fill(7)); // > 1 MiB: stored as a file, linked in
  // Rain's idiom for getting a directory onto the file system and back out.
  const dir = tasks.execute("ls", {
    inputPaths: [new InputDir("d", { dataobj: x })],
    outputPaths: [new OutputDir("d")],
  });
  const file = tasks.execute("true", {
    inputPaths: [new Input("f", { dataobj: big })],
    outputPaths: ["f"],
  });
  // A file and a sub-directory inside a mapped input directory.
  const inside = tasks.execute("true", {
    inputPaths: [new InputDir("d", { path: "in/d", dataobj: x })],
    outputPaths: ["in/d/sub/b.txt", new OutputDir("sub", { path: "in/d/sub" })],
  });
  for (const t of [dir, file, inside]) t.keepOutputs();
  await session.submit();
  await (await dir.output.fetch()).write(join(out.path, "d"));
  assert.equal(await readFile(join(out.path, "d/a.txt"), "utf8"), "A");
  assert.equal(await readFile(join(out.path, "d/sub/b.txt"), "utf8"), "B");
  assert.deepEqual((await file.output.fetch()).bytes(), new Uint8Array(2 * 1024 * 1024).fill(7));
  const [b, sub] = await inside.fetchOutputs();
  assert.equal(b!.text(), "B");
  await sub!.write(join(out.path, "sub"));
  assert.equal(await readFile(join(out.path, "sub/b.txt"), "utf8"), "B");
});

Deno.test("execute: links the program makes stay rejected, also in place of an input's link", async () => {
  await using cluster = await startCluster();
  const cases: [string, string, RegExp][] = [
    // The input's link replaced by the program's own, leaving the directory.
    ["rm d && ln -s /etc d", "d", /Output "d": Path ".*\/d" resolves to "\/etc", which is outside/],
    // A link of the program's to the input's stored data is not the governor's link.
    ['ln -s "$(readlink d)" e', "e", /Output "e": Path ".*\/e" resolves to ".*", which is outside/],
  ];
  for (const [script, output, error] of cases) {
    const session = cluster.client.newSession();
    tasks.execute(script, {
      shell: true,
      inputPaths: [new InputDir("d", { dataobj: tasks.makeDirectory([["a", blob("A")]]) })],
      outputPaths: [new OutputDir(output)],
    });
    await session.submit();
    await assert.rejects(session.waitAll(), error);
    await session.close();
  }
});

Deno.test('program(args, { stdin: "label" }) names a call-time input', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const sort = program("sort", { stdin: "lines", stdout: true });
  assert.deepEqual(sort.inputLabels, ["lines"]);
  const t = sort({ lines: blob("b\na\n") });
  t.keepOutputs();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "a\nb\n");
  assert.throws(
    () => tasks.execute("sort", { stdin: "lines" }),
    new TypeError(
      'execute() stdin is the string "lines": give a data object (a label names stdin only in program())',
    ),
  );
});

Deno.test("unkeep() of an object of a failed session throws the session's error, every time", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const t = tasks.execute(["sh", "-c", "sleep 0.2; echo broken >&2; exit 3"], { stdout: "output" });
  t.output.keep();
  const notKept = tasks.concat([blob("x")]);
  await session.submit();
  // The session fails on the server while the client does not know yet.
  const onGovernor = async () =>
    (await cluster.client.serverInfo()).governors[0]!.tasks.some((id) => id[1] === t.spec.id[1]);
  await until(onGovernor, "the task to be assigned");
  await until(async () => !(await onGovernor()), "the task to fail");
  const failed = (e: unknown) =>
    e instanceof SessionFailedError && /exited with code 3\nStderr:\nbroken/.test(e.message);
  await assert.rejects(t.output.unkeep(), failed); // told by the server
  await assert.rejects(t.output.unkeep(), failed); // already known
  await assert.rejects(notKept.output.unkeep(), failed);
});

Deno.test("ctx.stageFile() and ctx.stageDirectory() move the file out of the working directory", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const f = remote(async (ctx) => {
    const { existsSync } = await import("node:fs");
    const { mkdir, writeFile } = await import("node:fs/promises");
    await writeFile("out.bin", new Uint8Array([1, 2, 3]));
    await mkdir("d");
    await writeFile("d/x.txt", "x");
    const file = ctx.stageFile("out.bin");
    const dir = ctx.stageDirectory("d");
    return [file, dir, JSON.stringify([existsSync("out.bin"), existsSync("d")])];
  }, { outputs: ["file", new OutputDir("dir"), "left"] });
  const t = f();
  t.keepOutputs();
  await session.submit();
  const [file, dir, left] = await t.fetchOutputs();
  assert.deepEqual(file!.bytes(), new Uint8Array([1, 2, 3]));
  await using out = await tempDir();
  await dir!.write(join(out.path, "d"));
  assert.equal(await readFile(join(out.path, "d/x.txt"), "utf8"), "x");
  assert.deepEqual(JSON.parse(left!.text()), [false, false]);
});

Deno.test('a raw ("") object passed to a parameter declared with a content type takes that type', async () => {
  await using cluster = await startCluster();
  const f = remote((_ctx, in1: DataInstance, in2: unknown) => {
    return JSON.stringify({ in1: in1.contentType, in2 });
  }, {
    inputs: {
      in1: new Input({ contentType: "json" }),
      in2: new Input({ load: true, contentType: "json" }),
    },
  });
  {
    await using session = cluster.client.newSession();
    const raw = new TextEncoder().encode('{"a":[1,2]}');
    const t = f(blob(raw), blob(raw));
    t.keepOutputs();
    await session.submit();
    assert.deepEqual(JSON.parse((await t.output.fetch()).text()), {
      in1: "json",
      in2: { a: [1, 2] },
    });
  }
  // Another content type is still refused: a declared one when the task is made, ...
  await using session = cluster.client.newSession();
  assert.throws(
    () => f(blob("{}", { contentType: "json" }), blob("text")),
    /^TypeError: Input "in2" needs content type "json", but object -?\d+\/\d+ \("const"\) has "text"$/,
  );
  // ... one set at run time when the task runs.
  const text = remote((_ctx) => "a string: content type text at run time");
  f(blob("{}", { contentType: "json" }), text());
  await session.submit();
  await assert.rejects(
    session.waitAll(),
    /Parameter "in2" needs content type "json", but input "0" has "text"/,
  );
});

Deno.test("constants of an earlier submit are usable in a later submit without keep()", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await using src = await tempDir();
  await mkdir(join(src.path, "sub"));
  await writeFile(join(src.path, "sub/f.txt"), "file");
  const c = blob("c");
  const d = directory(src.path);
  const first = [tasks.concat([c, c]), tasks.sliceDirectory(d, "sub/f.txt")];
  await session.submit();
  await session.wait(first);
  await c.update();
  await d.update();
  assert.equal(c.state, "removed"); // freed once no task needed it
  assert.equal(d.state, "removed");
  const again = tasks.concat([c, blob("!")]);
  const slice = tasks.sliceDirectory(d, "sub/f.txt");
  const both: Task[] = [again, slice];
  for (const t of both) t.keepOutputs();
  await session.submit();
  assert.equal((await again.output.fetch()).text(), "c!");
  assert.equal((await slice.output.fetch()).text(), "file");
});

Deno.test("while a task runs, serverInfo() lists its output objects on the producing governor", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const t = tasks.sleep(blob("x"), 30);
  await session.submit();
  await untilRunning(t);
  const [g] = (await cluster.client.serverInfo()).governors;
  assert.deepEqual(g!.tasks, [t.spec.id]);
  assert.ok(
    g!.objects.some((id) => id[0] === t.output.spec.id[0] && id[1] === t.output.spec.id[1]),
    `${JSON.stringify(g!.objects)} lists the output ${JSON.stringify(t.output.spec.id)}`,
  );
});

Deno.test("remote() reads parameter names whatever the defaults hold", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const f = remote(
    (_ctx, url: string = "http://x", /* a, b */ re: RegExp = /[)]/, data?: DataInstance) =>
      `${url} ${re.source} ${data!.text()}`,
    { inputs: { data: new Input({ contentType: "text" }) } },
  );
  const t = f(undefined, undefined, blob("d"));
  t.keepOutputs();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "http://x [)] d");
});
