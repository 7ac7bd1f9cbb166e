/**
 * API.md, "Remote functions (the TypeScript executor)".
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  blob,
  type Context,
  type DataInstance,
  Input,
  Output,
  OutputDir,
  remote,
  SessionFailedError,
  tasks,
} from "../mod.ts";
import { startCluster, tsModuleTest } from "./_cluster.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Asserts that a promise rejects with a session failure whose message has every part. */
async function failsWith(p: Promise<unknown>, ...parts: string[]): Promise<string> {
  let message = "";
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SessionFailedError, `${e} is a SessionFailedError`);
    message = e.message;
    for (const part of parts) {
      assert.ok(e.message.includes(part), `"${e.message}" includes "${part}"`);
    }
    return true;
  });
  return message;
}

Deno.test("remote: the API.md examples (hello, join with a blob and a task)", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const hello = remote((_ctx) => "Hello world!");
  const join = remote((_ctx, prefix: Uint8Array, data: DataInstance) => {
    const d = data.bytes(), out = new Uint8Array(prefix.length + d.length);
    out.set(prefix);
    out.set(d, prefix.length);
    return out;
  });
  const t = hello();
  const j1 = join(text("Hello "), blob("Rain!"));
  const j2 = join(text(">> "), t);
  for (const x of [t, j1, j2]) x.output.keep();
  await session.submit();
  const h = await t.output.fetch();
  assert.equal(h.text(), "Hello world!");
  assert.equal(h.contentType, "text");
  const r1 = await j1.output.fetch();
  assert.equal(r1.text(), "Hello Rain!");
  assert.equal(r1.contentType, "");
  assert.equal((await j2.output.fetch()).text(), ">> Hello world!");
  assert.equal(t.spec.taskType, "remote");
  assert.deepEqual(j1.spec.inputs.map((i) => i.label), ["data"]);
});

Deno.test("remote: several outputs by count, labels (array or object) and Output options", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const three = remote((_ctx) => ["a", "b", "c"], { outputs: 3 });
  const byLabel = remote((_ctx) => ({ second: "2", first: "1" }), { outputs: ["first", "second"] });
  const typed = remote((_ctx) => ['{"x":1}', new Map([[1, "one"]])], {
    outputs: [new Output({ contentType: "json" }), new Output("packed", { encode: "cbor" })],
  });
  const none = remote((_ctx) => "ignored", { outputs: 0 });
  const t3 = three(), tl = byLabel(), tt = typed(), tn = none();
  for (const t of [t3, tl, tt]) t.keepOutputs();
  await session.submit();
  assert.deepEqual((await t3.fetchOutputs()).map((d) => d.text()), ["a", "b", "c"]);
  assert.deepEqual(tl.outputs.labels, ["first", "second"]);
  assert.equal((await tl.outputs.get("second").fetch()).text(), "2");
  assert.equal((await tl.outputs.get("first").fetch()).text(), "1");
  const [json, cbor] = await tt.fetchOutputs();
  assert.deepEqual(json!.load(), { x: 1 });
  assert.equal(json!.contentType, "json");
  assert.equal(tt.outputs.labels[1], "packed");
  assert.equal(cbor!.contentType, "cbor");
  assert.deepEqual(cbor!.load(), new Map([[1, "one"]]));
  await tn.wait();
  assert.equal(tn.outputs.length, 0);
});

Deno.test("remote: data objects nested in arrays, objects and maps; Input({ load }) and autoLoad", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const nested = remote(
    (
      _ctx,
      parts: DataInstance[],
      named: { x: DataInstance; n: number },
      m: Map<string, DataInstance>,
    ) =>
      [...parts.map((p) => p.text()), named.x.text(), String(named.n), m.get("k")!.text()].join(
        ",",
      ),
  );
  const a = blob("a"), b = blob("b");
  const t1 = nested([a, b], { x: a, n: 7 }, new Map([["k", tasks.concat([b, b])]]));
  assert.equal(t1.inputs.length, 3); // `a` used twice is one input
  const sum = remote(
    (_ctx, data: number[], scale: number) => JSON.stringify(data.reduce((s, x) => s + x) * scale),
    {
      inputs: { data: new Input({ load: true, contentType: "json" }) },
    },
  );
  const t2 = sum(blob([1, 2, 3], { encode: "json" }), 10);
  const auto = remote((_ctx, x: string, y: { v: number }) => `${x}:${y.v}`, { autoLoad: true });
  const t3 = auto(blob("txt"), blob({ v: 5 }, { encode: "cbor" }));
  assert.throws(() => sum(blob("not json"), 1), TypeError); // content type checked at creation
  for (const t of [t1, t2, t3]) t.output.keep();
  await session.submit();
  assert.equal((await t1.output.fetch()).text(), "a,b,a,7,bb");
  assert.equal((await t2.output.fetch()).text(), "60");
  assert.equal((await t3.output.fetch()).text(), "txt:5");
});

tsModuleTest(
  "remote.fromModule: a module with real imports; an exported remote() callable",
  async () => {
    await using cluster = await startCluster();
    await using session = cluster.client.newSession();
    const url = new URL("./fixtures/remote_steps.ts", import.meta.url);
    const upper = remote.fromModule(url, "upper");
    const double = remote.fromModule(url, "double", {
      outputs: [new Output({ contentType: "json" })],
    });
    const t1 = upper(blob("rain"), "/a/b/file.txt");
    const t2 = double(21);
    assert.equal(t1.name, "upper");
    t1.output.keep();
    t2.output.keep();
    await session.submit();
    assert.equal((await t1.output.fetch()).text(), "RAIN! file.txt");
    assert.equal((await t2.output.fetch()).load(), 42);
    await t1.update();
    assert.equal(t1.info!.debug, "upper of const"); // the object's own label
  },
);

Deno.test("remote: ctx.debug, ctx.info.user, ctx.spec; names; async functions", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const step = remote(async function step(ctx: Context, n: number) {
    await new Promise((r) => setTimeout(r, 5));
    ctx.debug("n is %d", n, { deep: [1] });
    ctx.debug("second line");
    ctx.info.user.seen = n;
    return `${ctx.spec.name}:${ctx.spec.resources.cpus}`;
  });
  assert.equal(step(1).name, "step");
  const t = step.with({ name: "group/step", user: { tag: "x" } })(3);
  assert.equal(t.name, "group/step");
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "group/step:1");
  await t.update();
  assert.equal(t.info!.debug, "n is 3 { deep: [ 1 ] }\nsecond line");
  assert.deepEqual(t.info!.user, { seen: 3 });
  assert.deepEqual(t.spec.user, { tag: "x" });
});

Deno.test("remote: ctx.blob, returned instances with info.user, stageFile and stageDirectory", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const f = remote(async (ctx, input: DataInstance) => {
    const { readdir, writeFile, mkdir } = await import("node:fs/promises");
    const empty = (await readdir(".")).length === 0;
    await writeFile("out.bin", new Uint8Array([1, 2, 3]));
    await mkdir("d/sub", { recursive: true });
    await writeFile("d/sub/x.txt", "x");
    const b = ctx.blob({ empty }, { encode: "json" });
    b.info.user.note = "made";
    return [
      b,
      ctx.stageFile("out.bin"),
      ctx.stageDirectory("d"),
      input,
      ctx.blob("latin", { contentType: "text-latin1" }),
    ];
  }, {
    outputs: [
      new Output({ contentType: "json" }),
      "file",
      new OutputDir("dir"),
      "same",
      new Output("t", { contentType: "text" }),
    ],
  });
  const t = f(blob("through"));
  t.keepOutputs();
  await session.submit();
  const [json, file, dir, same, latin] = await t.fetchOutputs();
  assert.deepEqual(json!.load(), { empty: true });
  assert.equal(json!.info.user.note, "made");
  assert.deepEqual(file!.bytes(), new Uint8Array([1, 2, 3]));
  assert.equal(dir!.spec.dataType, "dir");
  assert.ok(dir!.bytes().length > 0);
  assert.equal(same!.text(), "through");
  assert.equal(latin!.contentType, "text-latin1");
});

Deno.test("remote: a result content type that is not a sub-type of the declared one fails the task", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const f = remote((ctx) => ctx.blob("x", { contentType: "text" }), {
    outputs: [new Output({ contentType: "json" })],
  });
  const t = f();
  await session.submit();
  await failsWith(t.wait(), 'content type "text"', '"json"');
});

Deno.test("remote: the wrong number or kind of results fails the task naming expected and got", async () => {
  await using cluster = await startCluster();
  {
    await using session = cluster.client.newSession();
    const f = remote((_ctx) => ["a", "b", "c"], { outputs: ["x", "y"] });
    f();
    await session.submit();
    await failsWith(session.waitAll(), "returned 3 results, expected 2");
  }
  {
    await using session = cluster.client.newSession();
    remote((_ctx) => ({ n: 1 }))();
    await session.submit();
    await failsWith(session.waitAll(), "returned an object", "Output({ encode })");
  }
});

Deno.test("remote: a thrown error carries its stack and the debug log", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const f = remote(function boom(ctx: Context) {
    ctx.debug("about to fail: %s", "now");
    throw new Error("Boom!");
  });
  const t = f();
  await session.submit();
  const message = await failsWith(
    t.wait(),
    "Error: Boom!",
    "    at ",
    "\n\nDebug:\nabout to fail: now",
  );
  assert.match(message, /Error: Boom![\s\S]*\n\nDebug:\nabout to fail: now/);
  await assert.rejects(t.update());
});

Deno.test("remote: an executor that exits or is killed fails only its session; the pool recovers", async () => {
  await using cluster = await startCluster();
  {
    await using session = cluster.client.newSession();
    const t = remote(async (_ctx) => (await import("node:process")).default.exit(1))();
    await session.submit();
    await failsWith(t.wait(), "Executor process exited with code 1 while running task");
  }
  {
    await using session = cluster.client.newSession();
    const t = remote(async (_ctx) => {
      const { default: process } = await import("node:process");
      process.kill(process.pid, "SIGKILL");
    })();
    await session.submit();
    await failsWith(t.wait(), "Executor process was killed by signal SIGKILL while running task");
  }
  {
    await using session = cluster.client.newSession();
    const t = remote((_ctx) => "still fine")();
    t.output.keep();
    await session.submit();
    assert.equal((await t.output.fetch()).text(), "still fine");
  }
});

Deno.test("remote: concurrent tasks run in different executor processes; a chain reuses one", async () => {
  await using cluster = await startCluster({ governors: [2] });
  await using session = cluster.client.newSession();
  const pid = remote(async (_ctx, _n: number) => {
    await new Promise((r) => setTimeout(r, 300));
    return String((await import("node:process")).default.pid);
  });
  const a = pid(1), b = pid(2);
  const link = remote(async (_ctx, prev: DataInstance) =>
    `${prev.text()} ${(await import("node:process")).default.pid}`
  );
  // The chain starts once a and b are done: no other task can take its executor in between.
  let chain = link(tasks.concat([a.output, b.output]));
  for (let i = 0; i < 4; i++) chain = link(chain);
  for (const t of [a, b, chain]) t.output.keep();
  await session.submit();
  const pa = (await a.output.fetch()).text(), pb = (await b.output.fetch()).text();
  assert.notEqual(pa, pb);
  assert.notEqual(pa, String(Deno.pid));
  const pids = new Set((await chain.output.fetch()).text().split(" ").slice(1));
  assert.equal(pids.size, 1);
});

Deno.test("remote: each task gets an empty working directory under tasks/, emptied afterwards", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const write = remote(async (_ctx) => {
    const { writeFile, mkdir } = await import("node:fs/promises");
    await mkdir("sub");
    await writeFile("sub/junk.txt", "junk");
    return (await import("node:process")).default.cwd();
  });
  const look = remote(async (_ctx, _prev: DataInstance) => {
    const { readdir } = await import("node:fs/promises");
    return JSON.stringify(await readdir("."));
  });
  const w = write();
  const l = look(w);
  w.output.keep();
  l.output.keep();
  await session.submit();
  const cwd = (await w.output.fetch()).text();
  assert.ok(cwd.startsWith(`${cluster.governors[0]!.workDir}/tasks/`), cwd);
  assert.equal((await l.output.fetch()).text(), "[]");
  const { readdir } = await import("node:fs/promises");
  for (const name of await readdir(`${cluster.governors[0]!.workDir}/tasks`)) {
    assert.deepEqual(await readdir(`${cluster.governors[0]!.workDir}/tasks/${name}`), []);
  }
});

Deno.test("remote: large inputs held on disk arrive as file-backed instances", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const big = remote((_ctx) => new Uint8Array(3 * 1024 * 1024).fill(7));
  const size = remote(async (_ctx, data: DataInstance) => {
    await data.link("linked");
    const { stat } = await import("node:fs/promises");
    return `${data.bytes().length} ${data.bytes()[5]} ${(await stat("linked")).size}`;
  });
  const t = size(big());
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), `${3 * 1024 * 1024} 7 ${3 * 1024 * 1024}`);
});
