/**
 * Governors and an unreachable or restarted server: `rain governor` waits
 * for a server that is not up yet, rejoins one that was killed and started
 * again (dropping the dead server's tasks), and `--exit-on-disconnect` keeps
 * the exit instead.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, tasks } from "../mod.ts";
import { startServer } from "../server/mod.ts";
import { runCli, startCli } from "./_cli.ts";
import { checkConcat, until } from "./_util.ts";

/** A loopback port nothing listens on (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** Whether a process runs. */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test("a governor started before its server waits, logging sparingly, and joins once it appears", async () => {
  const at = `127.0.0.1:${freePort()}`;
  await using gov = startCli(["governor", at, "--cpus", "1"]);
  await gov.waitFor(/Cannot reach server "127\.0\.0\.1:\d+": .*ECONNREFUSED/, 20_000, "stderr");
  const waitingSince = Date.now();
  // Several attempts happen meanwhile (200 ms, 400 ms, 800 ms, ...), logged once.
  await new Promise((r) => setTimeout(r, 2000));
  const server = await startServer({
    hostname: "127.0.0.1",
    port: Number(at.split(":")[1]),
    tokenFile: true, // the waiting governor finds it, as one of this user's would
  });
  try {
    await gov.waitFor(/Governor \S+ with 1 cpus joined/, 20_000);
    const waited = Date.now() - waitingSince;
    const logged = gov.stderr.filter((l) => l.includes("Cannot reach server")).length;
    assert.ok(logged <= 1 + waited / 5000, `${logged} log lines in ${waited} ms`);
    assert.doesNotMatch(gov.stderr.join("\n"), /^\s+at |Uncaught/m, "no stack trace");
    const client = await Client.connect(at);
    try {
      await using session = client.newSession();
      await checkConcat(session, "late ", "server");
    } finally {
      await client.close();
    }
    gov.child.kill("SIGTERM");
    assert.equal((await gov.exited(10_000)).code, 0);
  } finally {
    await server.close();
  }
});

Deno.test("a governor waiting for its server exits 0 on SIGTERM", async () => {
  await using gov = startCli(["governor", `127.0.0.1:${freePort()}`, "--cpus", "1"]);
  await gov.waitFor(/Cannot reach server/, 20_000, "stderr");
  gov.child.kill("SIGTERM");
  assert.equal((await gov.exited(10_000)).code, 0, gov.stderr.join("\n"));
});

Deno.test("a governor rejoins a server killed and restarted on the same address; the dead server's tasks are dropped", async () => {
  const at = `127.0.0.1:${freePort()}`;
  const dir = await mkdtemp(join(tmpdir(), "rain-reconnect-"));
  const servers: AsyncDisposable[] = [];
  const startServerProcess = async () => {
    const p = startCli(["server", "--listen", at]);
    servers.push(p);
    await p.waitFor(/Rain server listening/);
    return p;
  };
  try {
    const first = await startServerProcess();
    await using gov = startCli(["governor", at, "--cpus", "1"]);
    const [, id] = await gov.waitFor(/Governor (\S+) with 1 cpus joined/);

    // A task of the first server holds the governor's only cpu until it is dropped.
    const old = await Client.connect(at);
    const session = old.newSession();
    tasks.execute(["sh", "-c", `echo $$ > ${dir}/pid; exec sleep 600`]);
    await session.submit();
    await until(async () => (await readFile(`${dir}/pid`, "utf8").catch(() => "")) !== "", "pid");
    const pid = Number(await readFile(`${dir}/pid`, "utf8"));
    assert.ok(alive(pid), "the first server's task runs");

    first.child.kill("SIGKILL");
    await first.exited(10_000);
    await old.close();
    await gov.waitFor(/Lost connection to server/, 10_000, "stderr");
    await startServerProcess();
    await gov.waitFor(/Rejoined server/, 20_000, "stderr");
    await until(() => !alive(pid), "the old task's program to be killed", 10_000);

    const client = await Client.connect(at);
    try {
      const info = await client.serverInfo();
      assert.deepEqual(info.governors.map((g) => [g.id, g.cpus, g.tasks.length]), [[id, 1, 0]]);
      await using s = client.newSession();
      const t = tasks.execute(["echo", "after the restart"], { stdout: true });
      t.output.keep();
      await s.submit();
      assert.equal((await t.output.fetch()).text(), "after the restart\n");
      await t.wait();
      assert.equal(t.info!.governor, id);
    } finally {
      await client.close();
    }
    gov.child.kill("SIGTERM");
    assert.equal((await gov.exited(10_000)).code, 0);
  } finally {
    for (const p of servers) await p[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("--exit-on-disconnect: an unreachable server or a lost connection ends the governor with code 1", async () => {
  const at = `127.0.0.1:${freePort()}`;
  const unreachable = await runCli(["governor", at, "--exit-on-disconnect"]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^rain: Cannot reach server "127\.0\.0\.1:\d+": .*ECONNREFUSED/);
  assert.doesNotMatch(unreachable.stderr, /^\s+at |Uncaught/m, "no stack trace");

  const server = await startServer({
    hostname: "127.0.0.1",
    port: Number(at.split(":")[1]),
    tokenFile: true, // the waiting governor finds it, as one of this user's would
  });
  let closed = false;
  try {
    await using gov = startCli(["governor", at, "--cpus", "1", "--exit-on-disconnect"]);
    await gov.waitFor(/Governor \S+ with 1 cpus joined/);
    await server.close();
    closed = true;
    assert.equal((await gov.exited(10_000)).code, 1);
    assert.match(gov.stderr.join("\n"), /server connection ended .*; exiting/);
  } finally {
    if (!closed) await server.close();
  }
});
