/**
 * The governor's executor pool (`governor/executor_pool.ts`) with real
 * executor processes: executors started ahead with the governor run the
 * first tasks, and no more are started while they are idle.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecutorPool } from "../governor/executor_pool.ts";
import { remoteRunMessage } from "../governor/executor_warm_up.ts";
import type { RunMessage } from "../protocol/executor.ts";
import { startGovernor } from "../governor/mod.ts";
import { Client, remote } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { until } from "./_util.ts";

/** A run message for a function (by default one returning a constant, writing nothing). */
function runMessage(
  dir: string,
  n: number,
  source = `(_ctx) => "answer ${n}"`,
): Omit<RunMessage, "cwd"> {
  return remoteRunMessage({
    id: [1, 2 * n],
    source,
    args: new Uint8Array([0x80]), // CBOR: no arguments
    outputPath: join(dir, `out-${n}`),
    name: "",
  });
}

Deno.test("executor pool: prestarted executors run the first tasks; none more start; a stopped task does not run", async () => {
  const dir = await mkdtemp(join(tmpdir(), "rain-pool-test-"));
  const pool = new ExecutorPool(dir);
  try {
    assert.equal(pool.prestart(2), 2);
    assert.equal(pool.size, 2);
    assert.equal(pool.prestart(2), 0, "already there");
    const signal = new AbortController().signal;
    const answers = await Promise.all([0, 1].map((n) => pool.run(runMessage(dir, n), signal)));
    assert.equal(pool.size, 2, "the tasks ran on the prestarted executors");
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(pool.run(runMessage(dir, 2), stopped.signal), /Task was stopped/);
    assert.equal(pool.size, 2, "a stopped task neither ran nor lost an executor");
    for (const [n, a] of answers.entries()) {
      assert.equal(a.type, "result", JSON.stringify(a));
      if (a.type !== "result") continue;
      const out = a.outputs[0]!;
      assert.ok("data" in out);
      assert.equal(new TextDecoder().decode(out.data), `answer ${n}`);
    }
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("executor pool: each task starts in its executor's emptied directory, wherever the last one went", async () => {
  const dir = await mkdtemp(join(tmpdir(), "rain-pool-test-"));
  const pool = new ExecutorPool(dir);
  try {
    const signal = new AbortController().signal;
    assert.equal(pool.prestart(1), 1);
    assert.equal(await pool.warmedUp(), 300); // and left its directory empty
    const look = `(_ctx) => JSON.stringify([Deno.cwd(), [...Deno.readDirSync(".")].length])`;
    const text = (a: Awaited<ReturnType<ExecutorPool["run"]>>) => {
      assert.equal(a.type, "result", JSON.stringify(a));
      const out = a.type === "result" ? a.outputs[0]! : null;
      assert.ok(out && "data" in out);
      return new TextDecoder().decode(out.data);
    };
    const [home] = JSON.parse(text(await pool.run(runMessage(dir, 0, look), signal)));
    assert.equal(home, join(dir, "executor-1"));
    const wander = `(_ctx) => {
      Deno.writeTextFileSync("left", "x");
      Deno.mkdirSync("sub");
      Deno.chdir("sub");
      return "wandered";
    }`;
    assert.equal(text(await pool.run(runMessage(dir, 1, wander), signal)), "wandered");
    assert.deepEqual(JSON.parse(text(await pool.run(runMessage(dir, 2, look), signal))), [home, 0]);
    const leave = `(_ctx) => { Deno.chdir("/"); return "left"; }`;
    assert.equal(text(await pool.run(runMessage(dir, 3, leave), signal)), "left");
    assert.deepEqual(JSON.parse(text(await pool.run(runMessage(dir, 4, look), signal))), [home, 0]);
    assert.equal(pool.size, 1);
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("executor pool: a governor started with executors logs them and runs remote tasks", async () => {
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  const logs: string[] = [];
  const gov = await startGovernor({
    server: address,
    token,
    cpus: 2,
    executors: 2,
    log: (m) => logs.push(m),
  });
  try {
    await until(() => logs.length > 0, "the warm-up's log line", 20_000);
    assert.deepEqual(logs.length, 1);
    assert.match(
      logs[0]!,
      /^Started 2 executor processes for remote functions; they ran 600 synthetic tasks in \d+\.\d\d s to warm up$/,
    );
    const client = await Client.connect(address, { token });
    try {
      await using session = client.newSession();
      const t = remote((_ctx) => "from a prestarted executor")();
      t.output.keep();
      await session.submit();
      assert.equal((await t.output.fetch()).text(), "from a prestarted executor");
    } finally {
      await client.close();
    }
    await assert.rejects(
      startGovernor({ server: address, token, executors: -1 }),
      /Invalid executors: -1/,
    );
  } finally {
    await gov.close();
    await server.close();
  }
});
