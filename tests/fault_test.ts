/**
 * Faults with real processes, while another client's session runs: SIGKILL
 * of an executor, of a governor (which is then restarted, rejoins and takes
 * work) and of a client. The server goes on serving everyone else
 * correctly. And SIGKILL of the server: restarted with the same secret, its
 * governor rejoins (`reconnect_test.ts` covers a governor finding a
 * restarted server's new token file).
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, Client, remote, type Session, type Task, tasks } from "../mod.ts";
import { startProcessCluster } from "./_process_cluster.ts";
import { startCli } from "./_cli.ts";
import { newToken } from "../common/auth.ts";
import { checkConcat, tempDir, until } from "./_util.ts";

/** A chain of `n` short steps in `session`, its expected text. */
function chain(session: Session, n: number, tag: string): { last: Task; expected: string } {
  using _ = session.bindOnly();
  let t = tasks.execute(["sh", "-c", `sleep 0.1; printf '${tag}'`], { stdout: true });
  for (let i = 0; i < n - 1; i++) {
    t = tasks.execute(["sh", "-c", `sleep 0.1; cat; printf ${i}`], { stdin: t, stdout: true });
  }
  t.output.keep();
  return { last: t, expected: tag + Array.from({ length: n - 1 }, (_, i) => i).join("") };
}

Deno.test("SIGKILL of an executor fails its task only; another client's session finishes", async () => {
  await using cluster = await startProcessCluster([2, 2]);
  await using dir = await tempDir();
  const other = await Client.connect(cluster.address, { token: cluster.token });
  try {
    await using victim = cluster.client.newSession({ name: "victim" });
    const pidFile = join(dir.path, "pid");
    const t = remote(async (_ctx, file: string) => {
      const { writeFile } = await import("node:fs/promises");
      const { default: process } = await import("node:process");
      await writeFile(file, String(process.pid));
      await new Promise((r) => setTimeout(r, 30_000));
    })(pidFile);
    await victim.submit();
    await using bystander = other.newSession({ name: "bystander" });
    const { last, expected } = chain(bystander, 6, "b");
    await bystander.submit();
    await until(async () => (await readFile(pidFile, "utf8").catch(() => "")) !== "", "the pid");
    Deno.kill(Number(await readFile(pidFile, "utf8")), "SIGKILL");
    await assert.rejects(
      t.wait(),
      /Executor process was killed by signal SIGKILL while running task/,
    );
    assert.equal((await last.output.fetch()).text(), expected);
    await using again = cluster.client.newSession();
    const fine = remote(() => "executors still work")();
    fine.output.keep();
    await again.submit();
    assert.equal((await fine.output.fetch()).text(), "executors still work");
  } finally {
    await other.close();
  }
});

Deno.test("SIGKILL of a governor: both clients' sessions finish; the restarted governor rejoins and takes work", async () => {
  await using cluster = await startProcessCluster([1, 1]);
  const other = await Client.connect(cluster.address, { token: cluster.token });
  try {
    await using a = cluster.client.newSession({ name: "a" });
    await using b = other.newSession({ name: "b" });
    const ca = chain(a, 5, "a"), cb = chain(b, 5, "b");
    await a.submit();
    await b.submit();
    const victim = cluster.governors[0]!;
    await until(
      async () => (await cluster.client.serverInfo()).governors.some((g) => g.tasks.length > 0),
      "work on the governors",
    );
    victim.child.kill("SIGKILL");
    await victim.child.status;
    assert.equal((await ca.last.output.fetch()).text(), ca.expected);
    assert.equal((await cb.last.output.fetch()).text(), cb.expected);
    await until(
      async () => !(await other.serverInfo()).governors.some((g) => g.id === victim.id),
      "the killed governor to be gone",
    );
    // Restarted on the same work directory (what it left is cleaned), it rejoins.
    await using restarted = startCli(
      ["governor", cluster.address, "--cpus", "1", "--work-dir", victim.workDir],
    );
    const id = (await restarted.waitFor(/^Governor (\S+) with 1 cpus joined/))[1]!;
    await until(
      async () => (await other.serverInfo()).governors.some((g) => g.id === id),
      "the restarted governor to register",
    );
    await using c = other.newSession({ name: "c" });
    const parallel = Array.from(
      { length: 4 },
      (_, i) => tasks.execute(["sh", "-c", `sleep 0.3; echo ${i}`], { stdout: true }),
    );
    for (const t of parallel) t.output.keep();
    await c.submit();
    await c.wait(parallel);
    for (const [i, t] of parallel.entries()) {
      assert.equal((await t.output.fetch()).text(), `${i}\n`);
    }
    assert.ok(parallel.some((t) => t.info!.governor === id), "the restarted governor took work");
  } finally {
    await other.close();
  }
});

Deno.test("SIGKILL of a client mid-run: its sessions are closed and their tasks stopped; others go on", async () => {
  await using cluster = await startProcessCluster([2]);
  await using doomed = startCli([], {
    prefix: [Deno.execPath(), "run", "-A", "tests/fixtures/doomed_client.ts", cluster.address],
  });
  const session = Number((await doomed.waitFor(/^submitted (\d+)$/))[1]);
  await until(
    async () =>
      (await cluster.client.serverInfo()).governors[0]!.tasks.filter((id) => id[0] === session)
        .length === 2,
    "the doomed client's two sleeps to run",
  );
  doomed.child.kill("SIGKILL");
  await doomed.exited();
  await until(
    async () => {
      const [g] = (await cluster.client.serverInfo()).governors;
      return !g!.tasks.some((id) => id[0] === session) &&
        !g!.objects.some((id) => id[0] === session);
    },
    "the killed client's tasks and objects to be gone",
  );
  // Both cpus are free again at once: a 2-cpu task does not wait 30 s.
  await using s = cluster.client.newSession();
  const start = performance.now();
  const t = tasks.concat([blob("both "), blob("cpus")], { cpus: 2 });
  t.output.keep();
  await s.submit();
  assert.equal((await t.output.fetch()).text(), "both cpus");
  assert.ok(performance.now() - start < 10_000, "the killed client's sleeps were stopped");
});

Deno.test("a server killed and restarted with the same --token-file: a governor given it rejoins", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "token");
  await writeFile(file, `${newToken()}\n`, { mode: 0o600 });
  const token = (await readFile(file, "utf8")).trim();
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const at = `127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
  probe.close();
  const server = () => startCli(["server", "--listen", at, "--token-file", file]);
  const first = server();
  await first.waitFor(/Rain server listening/);
  await using gov = startCli(["governor", at, "--cpus", "1", "--token-file", file]);
  const id = (await gov.waitFor(/^Governor (\S+) with 1 cpus joined/))[1]!;
  first.child.kill("SIGKILL");
  await first.exited();
  await gov.waitFor(/Lost connection to server/, 10_000, "stderr");
  await using second = server();
  await second.waitFor(/Rain server listening/);
  await gov.waitFor(/Rejoined server/, 20_000, "stderr");
  const client = await Client.connect(at, { token });
  try {
    await using s = client.newSession();
    const t = await checkConcat(s, "after ", "restart");
    await t.update();
    assert.equal(t.info!.governor, id);
  } finally {
    await client.close();
  }
});
