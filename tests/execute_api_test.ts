/**
 * API.md, "Running external programs", "Program factory", "Built-in tasks"
 * (directories) and "Dependencies, outputs, labeled lists": what the client
 * builds and checks when tasks are created (nothing is run here).
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  blob,
  type DataObject,
  directory,
  Input,
  InputDir,
  Output,
  OutputDir,
  program,
  type Session,
  type Task,
  tasks,
} from "../mod.ts";
import type { ExecuteConfig } from "../protocol/task_configs.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

/** What a test gets: the active session and a maker of dir objects. */
interface Env {
  /** The active session. */
  session: Session;
  /** A new dir object (of an empty temporary directory). */
  dir(): DataObject;
}

/** Runs `fn` with an active session of a fresh cluster. */
async function withSession(fn: (env: Env) => void | Promise<void>): Promise<void> {
  await using cluster = await startCluster();
  await using tmp = await tempDir();
  await using session = cluster.client.newSession();
  await fn({ session, dir: () => directory(tmp.path) });
}

const config = (t: Task) => t.spec.config as ExecuteConfig;
const RANDOM = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8}$`);

Deno.test("execute() splits a command string into words and runs no shell", () =>
  withSession(() => {
    const t = tasks.execute(`grep -e "rain drop" 'a b'`);
    assert.equal(t.spec.taskType, "execute");
    assert.deepEqual(config(t), {
      args: ["grep", "-e", "rain drop", "a b"],
      shell: false,
      inputs: [],
      outputs: [],
      stdin: -1,
    });
    assert.equal(t.outputs.length, 0);
    assert.deepEqual(config(tasks.execute(["sleep", "1"])).args, ["sleep", "1"]);
  }));

Deno.test("execute() with shell: true passes the command line as one string", () =>
  withSession(() => {
    const t = tasks.execute("sleep 1 && sleep 1", { shell: true });
    assert.deepEqual(config(t).args, ["sleep 1 && sleep 1"]);
    assert.equal(config(t).shell, true);
    const data = blob("x");
    const u = tasks.execute(["cat", data, "|", "wc", "-c"], { shell: true, stdout: true });
    const path = config(u).inputs[0]!.path;
    assert.deepEqual(config(u).args, [`cat ${path} | wc -c`]);
  }));

Deno.test("execute() orders outputs: stdout, then outputPaths, then Outputs among the args", () =>
  withSession(() => {
    const data = blob("data");
    const t = tasks.execute(["tee", new Output("output1"), new OutputDir("tree")], {
      stdout: "output2",
      stdin: data,
      outputPaths: ["index.html", new Output("log", { path: "logs/log.txt", contentType: "text" })],
    });
    assert.deepEqual(t.outputs.labels, ["output2", "index.html", "log", "output1", "tree"]);
    assert.deepEqual(config(t).outputs, [
      { stdout: true },
      { path: "index.html" },
      { path: "logs/log.txt" },
      { path: "output1" },
      { path: "tree" },
    ]);
    assert.deepEqual(config(t).args, ["tee", "output1", "tree"]);
    assert.deepEqual(t.outputs.map((o) => o.spec.dataType), [
      "blob",
      "blob",
      "blob",
      "blob",
      "dir",
    ]);
    assert.equal(t.outputs.get("log").spec.contentType, "text");
    assert.equal(config(t).stdin, 0);
    assert.deepEqual(t.spec.inputs, [{ id: data.spec.id, label: "stdin" }]);
    assert.match(config(t).inputs[0]!.path, RANDOM("stdin"));
  }));

Deno.test("execute() labels unlabelled Outputs by their index among the outputs", () =>
  withSession(() => {
    const t = tasks.execute(["prog", new Output(), new Output({ path: "f" })], {
      stdout: true,
      outputPaths: [new Output({ path: "g" })],
    });
    assert.deepEqual(t.outputs.labels, ["stdout", "1", "2", "3"]);
    assert.deepEqual(config(t).outputs, [{ stdout: true }, { path: "g" }, { path: "2" }, {
      path: "f",
    }]);
    assert.deepEqual(config(t).args, ["prog", "2", "f"]);
  }));

Deno.test("execute() stdout: true, a label, an Output, and new Output() labelled stdout", () =>
  withSession(() => {
    assert.deepEqual(tasks.execute("ls /", { stdout: true }).outputs.labels, ["stdout"]);
    assert.deepEqual(tasks.execute("ls /", { stdout: "my_label" }).outputs.labels, ["my_label"]);
    const t = tasks.execute("ls /", { stdout: new Output("my_label", { contentType: "json" }) });
    assert.deepEqual(t.outputs.labels, ["my_label"]);
    assert.equal(t.output.spec.contentType, "json");
    assert.deepEqual(config(t).outputs, [{ stdout: true }]);
    assert.deepEqual(tasks.execute("ls /", { stdout: new Output() }).outputs.labels, ["stdout"]);
    assert.equal(tasks.execute("ls /", { stdout: false }).outputs.length, 0);
  }));

Deno.test("execute() rejects a stdout Output with a path, and an OutputDir for stdout", () =>
  withSession(() => {
    assert.throws(
      () => tasks.execute("ls /", { stdout: new Output("x", { path: "p" }) }),
      (e) => e instanceof TypeError && /"p"/.test(e.message) && /stdout/.test(e.message),
    );
    assert.throws(() => tasks.execute("ls /", { stdout: new OutputDir("x") }), TypeError);
  }));

Deno.test("execute() maps a data object among the args to a random file, labelled arg<i>", () =>
  withSession(({ dir }) => {
    const data = blob("It is\nrainy day\n");
    const d = dir();
    const t = tasks.execute(["grep", "rain", data, "-r", d], { stdout: true });
    assert.deepEqual(t.spec.inputs, [
      { id: data.spec.id, label: "arg2" },
      { id: d.spec.id, label: "arg4" },
    ]);
    const [a, b] = config(t).inputs;
    assert.match(a!.path, RANDOM("arg2"));
    assert.match(b!.path, RANDOM("arg4"));
    assert.equal(a!.write, false);
    assert.deepEqual(config(t).args, ["grep", "rain", a!.path, "-r", b!.path]);
    const u = tasks.execute(["grep", "rain", data]);
    assert.notEqual(config(u).inputs[0]!.path, a!.path, "names are random");
    const v = tasks.execute(["grep", "rain", tasks.concat([data])]);
    assert.equal(v.spec.inputs[0]!.label, "arg2", "a one-output task stands for its output");
  }));

Deno.test("execute() maps Inputs among the args and in inputPaths at their paths", () =>
  withSession(({ dir }) => {
    const myData = blob("x");
    const d = dir();
    const t = tasks.execute(
      ["a-program", "argument1", new Input("my_label", { path: "myfile", dataobj: myData })],
      {
        inputPaths: [
          new Input("cfg", { dataobj: myData, write: true }),
          new InputDir("src", { path: "./in/src/", dataobj: d }),
        ],
      },
    );
    assert.deepEqual(t.spec.inputs.map((i) => i.label), ["cfg", "src", "my_label"]);
    assert.deepEqual(config(t).inputs, [
      { path: "cfg", write: true },
      { path: "in/src", write: false },
      { path: "myfile", write: false },
    ]);
    assert.deepEqual(config(t).args, ["a-program", "argument1", "myfile"]);
    const u = tasks.execute(["cat", new Input({ dataobj: myData })]);
    assert.equal(u.spec.inputs[0]!.label, "arg1");
    assert.match(config(u).inputs[0]!.path, RANDOM("arg1"));
  }));

Deno.test("execute() stdin takes a data object or an Input with a data object", () =>
  withSession(() => {
    const data = blob("x");
    const t = tasks.execute(["a-program"], { stdin: new Input("in", { dataobj: data }) });
    assert.deepEqual(t.spec.inputs, [{ id: data.spec.id, label: "in" }]);
    assert.equal(config(t).stdin, 0);
    assert.match(config(t).inputs[0]!.path, RANDOM("stdin"));
    const u = tasks.execute(["cat", data], { stdin: data });
    assert.equal(config(u).stdin, 0);
    assert.deepEqual(u.spec.inputs.map((i) => i.label), ["stdin", "arg1"]);
  }));

Deno.test("execute() checks data types of inputs when the task is created", () =>
  withSession(({ dir }) => {
    const b = blob("x");
    const d = dir();
    assert.throws(() => new Input("x", { dataobj: d }), /a dir, but a blob is required/);
    assert.throws(() => new InputDir("x", { dataobj: b }), /a blob, but a dir is required/);
    assert.throws(() => tasks.execute("cat", { stdin: d }), TypeError);
    assert.throws(
      () => tasks.execute("cat", { stdin: new InputDir("d", { dataobj: d }) }),
      TypeError,
    );
    assert.throws(() => tasks.execute(["cat", new Input("x")]), /"x" has no data object/);
    assert.throws(() => tasks.execute("cat", { inputPaths: [b as never] }), TypeError);
  }));

Deno.test("execute() rejects duplicate output labels and paths, and duplicate input paths", () =>
  withSession(() => {
    const b = blob("x");
    assert.throws(
      () => tasks.execute(["prog", new Output("log")], { outputPaths: ["log"] }),
      (e) => e instanceof TypeError && /"log"/.test(e.message),
    );
    assert.throws(
      () =>
        tasks.execute("prog", {
          outputPaths: [new Output("a", { path: "f" }), new Output("b", { path: "f" })],
        }),
      (e) => e instanceof TypeError && /path "f"/.test(e.message),
    );
    assert.throws(
      () => tasks.execute("prog", { stdout: "x", outputPaths: ["x"] }),
      /two outputs labelled "x"/,
    );
    assert.throws(
      () =>
        tasks.execute("prog", {
          inputPaths: [
            new Input("a", { path: "f", dataobj: b }),
            new Input("b", { path: "f", dataobj: b }),
          ],
        }),
      /same path "f"/,
    );
  }));

Deno.test("Input, Output and directory tasks reject paths that leave the directory", () =>
  withSession(({ dir }) => {
    const b = blob("x");
    const d = dir();
    const naming = (path: string) => (e: unknown) =>
      e instanceof TypeError && e.message.includes(JSON.stringify(path));
    for (const path of ["../x", "/abs", "a/../../x"]) {
      assert.throws(() => new Input("x", { path, dataobj: b }), naming(path));
      assert.throws(() => new InputDir("x", { path }), naming(path));
      assert.throws(() => new Output("x", { path }), naming(path));
      assert.throws(() => new OutputDir("x", { path }), naming(path));
      assert.throws(() => new Output(path), naming(path), "the label is the default path");
      assert.throws(() => tasks.execute("prog", { outputPaths: [path] }), naming(path));
      assert.throws(() => tasks.makeDirectory([["ok", b], [path, b]]), naming(path));
      assert.throws(() => tasks.sliceDirectory(d, path), naming(path));
    }
    assert.throws(() => new Output("x", { path: "dir/" }), /ends with "\/"/);
    assert.equal(new OutputDir("x", { path: "./repo/" }).path, "repo");
  }));

Deno.test("Input and Output take (label, options), (options) or nothing", () =>
  withSession(() => {
    const o = new Output();
    assert.equal(o.label, undefined);
    assert.equal(o.path, undefined);
    assert.equal(new Output({ contentType: "json" }).contentType, "json");
    assert.equal(new Output({ encode: "cbor" }).contentType, "cbor");
    assert.equal(new Output("log").path, "log");
    assert.equal(new Output("log").explicitPath, undefined);
    assert.equal(new Output("log", { path: "./a//b" }).path, "a/b");
    assert.equal(new OutputDir("repo").dataType, "dir");
    const i = new Input({ load: true, contentType: "json" });
    assert.equal(i.label, undefined);
    assert.equal(i.load, true);
    assert.equal(i.contentType, "json");
    assert.equal(new Input("my_label").path, "my_label");
    assert.equal(new InputDir("d").dataType, "dir");
    assert.throws(() => new Output("x", { contentType: "bogus" }), /Unknown content type "bogus"/);
    assert.throws(() => new Input("x", { contentType: "bogus" }), /Unknown content type "bogus"/);
    assert.throws(() => new Output("x", { encode: "json", contentType: "cbor" }), TypeError);
    assert.throws(
      () => new Input("x", { dataobj: blob("[]", { contentType: "cbor" }), contentType: "json" }),
      TypeError,
    );
  }));

Deno.test("execute() takes the common task options and rejects unknown ones", () =>
  withSession(() => {
    const t = tasks.execute("a-parallel-program", { cpus: 4, name: "group/run", user: { k: 1 } });
    assert.deepEqual(t.spec.resources, { cpus: 4 });
    assert.equal(t.name, "group/run");
    assert.deepEqual(t.spec.user, { k: 1 });
    assert.throws(
      () => tasks.execute("x", { output_paths: ["a"] } as never),
      /no option "output_paths"/,
    );
    assert.throws(() => tasks.execute("x", { cpus: 0 }), TypeError);
    assert.throws(() => tasks.execute(""), /needs a command/);
    assert.throws(() => tasks.execute(["x", 3 as never]), /argument 1/);
    assert.throws(() => tasks.execute(["x", new Output("o", { encode: "json" })]), /encode/);
  }));

Deno.test("loadDir(), makeDirectory() and sliceDirectory() build dir tasks", () =>
  withSession(({ dir }) => {
    const b1 = blob("12345");
    const b2 = blob("67890");
    const d = dir();
    const ld = tasks.loadDir("/shared/data", { name: "in" });
    assert.equal(ld.spec.taskType, "loadDir");
    assert.deepEqual(ld.spec.config, { path: "/shared/data" });
    assert.equal(ld.output.spec.dataType, "dir");
    assert.throws(() => tasks.loadDir("relative"), TypeError);

    const md = tasks.makeDirectory([["myfile.txt", b1], ["adir/", d], ["./a/deep/path/x", b2]]);
    assert.equal(md.spec.taskType, "makeDirectory");
    assert.deepEqual(md.spec.config, { paths: ["myfile.txt", "adir", "a/deep/path/x"] });
    assert.deepEqual(md.spec.inputs.map((i) => i.id), [b1.spec.id, d.spec.id, b2.spec.id]);
    assert.equal(md.output.spec.dataType, "dir");
    assert.throws(() => tasks.makeDirectory([["x/", b1]]), /ends with "\/".*blob/);
    assert.throws(() => tasks.makeDirectory([["x", b1], ["./x", b2]]), /"x" is given twice/);
    assert.throws(() => tasks.makeDirectory([["x", b1], ["x/y", b2]]), /"x\/y" is below "x"/);

    const file = tasks.sliceDirectory(md, "a/deep/path/x", { contentType: "text" });
    assert.equal(file.spec.taskType, "sliceDirectory");
    assert.deepEqual(file.spec.config, { path: "a/deep/path/x" });
    assert.equal(file.output.spec.dataType, "blob");
    assert.equal(file.output.spec.contentType, "text");
    const sub = tasks.sliceDirectory(md, "a/deep/");
    assert.deepEqual(sub.spec.config, { path: "a/deep/" });
    assert.equal(sub.output.spec.dataType, "dir");
    assert.throws(() => tasks.sliceDirectory(b1, "x"), /a blob, but a dir is required/);
    assert.throws(() => tasks.sliceDirectory(md, "a/", { contentType: "json" }), TypeError);

    assert.equal(tasks.store(d, "/tmp/out").spec.inputs[0]!.id, d.spec.id, "store() takes dirs");
  }));

Deno.test("program() binds call-time inputs by label", () =>
  withSession(() => {
    const rainGrep = program(["grep", "rain", new Input("my_input", { path: "my_file" })], {
      stdout: true,
    });
    assert.deepEqual(rainGrep.inputLabels, ["my_input"]);
    const data = blob("It is\nrainy day\n");
    const task = rainGrep({ my_input: data });
    assert.equal(task.spec.taskType, "execute");
    assert.deepEqual(task.spec.inputs, [{ id: data.spec.id, label: "my_input" }]);
    assert.deepEqual(config(task), {
      args: ["grep", "rain", "my_file"],
      shell: false,
      inputs: [{ path: "my_file", write: false }],
      outputs: [{ stdout: true }],
      stdin: -1,
    });
    assert.deepEqual(task.outputs.labels, ["stdout"]);
    const again = rainGrep({ my_input: tasks.concat([data]) });
    assert.notEqual(again, task);
    assert.notEqual(again.spec.config, task.spec.config, "each task has its own config");
  }));

Deno.test("program() stdin, unlabelled and inputPaths Inputs get their labels", () =>
  withSession(() => {
    const p = program(["sort", new Input(), new Input({ path: "f" })], {
      stdin: new Input("text"),
      inputPaths: [new Input({ path: "cfg.json" }), new InputDir("tree")],
    });
    assert.deepEqual(p.inputLabels, ["text", "cfg.json", "tree", "arg1", "arg2"]);
    const noStdinLabel = program("cat", { stdin: new Input() });
    assert.deepEqual(noStdinLabel.inputLabels, ["stdin"]);
  }));

Deno.test("program() calls with unknown or missing labels throw TypeErrors naming them", () =>
  withSession(({ dir }) => {
    const p = program(["diff", new Input("a"), new InputDir("b")]);
    const x = blob("x");
    assert.throws(
      () => p({ a: x, b: x, c: x }),
      (e) =>
        e instanceof TypeError && /Unknown program input "c"/.test(e.message) &&
        /"a", "b"/.test(e.message),
    );
    assert.throws(
      () => p({ a: x }),
      (e) => e instanceof TypeError && /Missing program input "b"/.test(e.message),
    );
    assert.throws(() => p(), /Missing program inputs "a", "b"/);
    assert.throws(() => p({ a: x, b: x }), /a blob, but a dir is required/);
    const d = dir();
    assert.deepEqual(p({ a: x, b: d }).spec.inputs.map((i) => i.label), ["a", "b"]);
  }));

Deno.test("program() rejects data objects: inputs are bound when it is called", () =>
  withSession(() => {
    const x = blob("x");
    assert.throws(() => program(["cat", x]), TypeError);
    assert.throws(() => program(["cat", new Input("a", { dataobj: x })]), /has a data object/);
    assert.throws(() => program("cat", { stdin: x }), TypeError);
    assert.throws(() => program("ls", { stdout: new Output("o", { path: "p" }) }), TypeError);
  }));

Deno.test("program().with() returns a callable with other task options", () =>
  withSession(() => {
    const p = program(["grep", "rain", new Input("my_input")], {
      stdout: true,
      cpus: 2,
      name: "grep",
    });
    const named = p.with({ name: "grep/rain", user: { run: 1 } });
    const data = blob("x");
    const t1 = p({ my_input: data });
    const t2 = named({ my_input: data });
    const t3 = named.with({ cpus: 3 })({ my_input: data });
    assert.equal(t1.name, "grep");
    assert.deepEqual(t1.spec.resources, { cpus: 2 });
    assert.equal(t2.name, "grep/rain");
    assert.deepEqual(t2.spec.resources, { cpus: 2 });
    assert.deepEqual(t2.spec.user, { run: 1 });
    assert.equal(t3.name, "grep/rain");
    assert.deepEqual(t3.spec.resources, { cpus: 3 });
    assert.throws(() => p.with({ cpus: -1 }), TypeError);
    assert.throws(() => p.with({ stdout: false } as never), /not "stdout"/);
  }));

Deno.test("a directory() object is packed at submit and a fetched dir unpacks with write()", async () => {
  await using tmp = await tempDir();
  const src = join(tmp.path, "src");
  await mkdir(join(src, "sub"), { recursive: true });
  await writeFile(join(src, "sub", "f.txt"), "hello");
  await withSession(async ({ session }) => {
    const d = directory(src);
    d.keep();
    await session.submit();
    const instance = await d.fetch();
    await instance.write(join(tmp.path, "out"));
    assert.equal(await readFile(join(tmp.path, "out", "sub", "f.txt"), "utf8"), "hello");
  });
});
