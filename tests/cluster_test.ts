import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Input, type Task, tasks } from "../mod.ts";
import { until } from "./_util.ts";
import { startProcessCluster } from "./_process_cluster.ts";
import { silentGovernorIsLost } from "./_silent_governor.ts";

/** The most cpus in use at once on each governor, from task start times and durations. */
function peakCpus(all: Task[]): Map<string, number> {
  const events: { governor: string; at: number; delta: number }[] = [];
  for (const t of all) {
    const { governor, startTime, duration } = t.info!;
    events.push({ governor, at: startTime, delta: t.spec.resources.cpus });
    events.push({ governor, at: startTime + duration, delta: -t.spec.resources.cpus });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta); // ends before starts at the same ms
  const now = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const e of events) {
    const v = (now.get(e.governor) ?? 0) + e.delta;
    now.set(e.governor, v);
    peak.set(e.governor, Math.max(peak.get(e.governor) ?? 0, v));
  }
  return peak;
}

Deno.test("tasks spread over governors and never oversubscribe their cpus", async () => {
  await using cluster = await startProcessCluster([1, 2, 3]);
  await using session = cluster.client.newSession();
  const all: Task[] = [];
  for (let i = 0; i < 18; i++) {
    all.push(tasks.execute("sleep 0.2", { cpus: 1 + (i % 2) }));
  }
  await session.submit();
  await session.wait(all);
  const peak = peakCpus(all);
  for (const g of cluster.governors) {
    assert.ok(
      (peak.get(g.id) ?? 0) <= g.cpus,
      `governor ${g.id} ran ${peak.get(g.id)} > ${g.cpus} cpus`,
    );
  }
  assert.equal(new Set(all.map((t) => t.info!.governor)).size, 3, "every governor took work");
});

Deno.test("a chain of tasks on a large blob stays on the governor that holds it", async () => {
  await using cluster = await startProcessCluster([2, 2, 2]);
  await using session = cluster.client.newSession();
  let t = tasks.execute("head -c 20000000 /dev/zero", { stdout: true });
  const chain = [t];
  for (let i = 0; i < 5; i++) {
    t = tasks.execute(["cat", t.output], { stdout: true });
    chain.push(t);
  }
  // Unrelated work to tempt the scheduler to spread.
  const others = Array.from({ length: 6 }, () => tasks.execute("sleep 0.1"));
  t.keepOutputs();
  await session.submit();
  await session.wait([...chain, ...others]);
  assert.equal(new Set(chain.map((x) => x.info!.governor)).size, 1);
  assert.equal((await t.output.fetch()).bytes().length, 20_000_000);
});

Deno.test("a 200 MB blob moves between governors byte for byte", async () => {
  // big1 needs 3 cpus (only C has them), big2 then goes to B; the task
  // reading both runs where most of its bytes are (B) and fetches big1 from C.
  await using cluster = await startProcessCluster([2, 3]);
  const [b, c] = cluster.governors;
  await using session = cluster.client.newSession();
  const make = (mb: number, cpus: number) =>
    tasks.execute(`head -c ${mb}000000 /dev/urandom > big`, {
      shell: true,
      outputPaths: ["big"],
      cpus,
    });
  const big1 = make(200, 3);
  const big2 = make(250, 2);
  const sum = (t: Task) => tasks.execute("sha256sum", { stdin: t, stdout: true });
  const sum1 = sum(big1);
  const sum2 = sum(big2);
  const both = tasks.execute(["sh", "-c", "sha256sum < a; sha256sum < b"], {
    inputPaths: [
      new Input("a", { path: "a", dataobj: big1 }),
      new Input("b", { path: "b", dataobj: big2 }),
    ],
    stdout: true,
  });
  for (const t of [sum1, sum2, both]) t.keepOutputs();
  await session.submit();
  const [s1, s2, s12] = await Promise.all([sum1, sum2, both].map((t) => t.output.fetch()));
  await session.wait([big1, big2, sum1, both]);
  assert.equal(big1.info!.governor, c!.id);
  assert.equal(sum1.info!.governor, c!.id);
  assert.equal(big2.info!.governor, b!.id);
  assert.equal(both.info!.governor, b!.id, "the reader of both ran where most bytes were");
  assert.match(s1!.text(), /^[0-9a-f]{64} /);
  assert.equal(s12!.text(), s1!.text() + s2!.text());
  // Only the sums are kept: the blobs (and the copy of big1 that B fetched)
  // are freed on both governors.
  const blobs = [big1, big2].map((t) => t.output.spec.id.join("-"));
  for (const g of [b!, c!]) {
    await until(
      async () => (await readdir(join(g.workDir, "objects"))).every((f) => !blobs.includes(f)),
      `${g.id} to free the blobs`,
    );
  }
});

Deno.test("a governor killed with SIGKILL mid-graph: the graph still finishes with the same bytes", async () => {
  await using cluster = await startProcessCluster([2, 2, 2]);
  await using session = cluster.client.newSession();
  // Six chains of three steps; every step waits a little so the kill lands mid-graph.
  const ends: Task[] = [];
  const firsts: Task[] = [];
  for (let i = 0; i < 6; i++) {
    let t = tasks.execute(["sh", "-c", `sleep 0.3; printf 'chain${i}:'`], { stdout: true });
    firsts.push(t);
    for (let step = 0; step < 2; step++) {
      t = tasks.execute(["sh", "-c", `sleep 0.3; cat; printf 's${step}'`], {
        stdin: t,
        stdout: true,
      });
    }
    ends.push(t);
  }
  const all = tasks.concat(ends);
  all.keepOutputs();
  await session.submit();
  await session.wait([firsts[0]!]);
  const victim = cluster.governors.find((g) => g.id === firsts[0]!.info!.governor)!;
  victim.child.kill("SIGKILL");
  const result = await all.output.fetch();
  const expected = Array.from({ length: 6 }, (_, i) => `chain${i}:s0s1`).join("");
  assert.equal(result.text(), expected);
  const info = await cluster.client.serverInfo();
  assert.ok(!info.governors.some((g) => g.id === victim.id), "the killed governor is gone");
  await all.update();
  assert.notEqual(all.info!.governor, victim.id);
});

Deno.test("a governor that stops heartbeating is declared lost and its work is redone", async () => {
  await silentGovernorIsLost("deno");
});

Deno.test("a governor joining a running server takes waiting work at once", async () => {
  await using cluster = await startProcessCluster([]);
  await using session = cluster.client.newSession();
  const t = tasks.execute(["echo", "late"], { stdout: true });
  t.keepOutputs();
  await session.submit();
  assert.equal(t.state, "submitted");
  await using late = await startProcessCluster.joinGovernor(cluster, 2);
  assert.equal((await t.output.fetch()).text(), "late\n");
  await t.update();
  assert.equal(t.info!.governor, late.id);
});

Deno.test("a task needing several cpus is not starved by a stream of 1-cpu tasks", async () => {
  await using cluster = await startProcessCluster([2]);
  await using session = cluster.client.newSession();
  const first = tasks.execute("sleep 0.3");
  const big = tasks.execute("true", { cpus: 2 });
  const small = Array.from({ length: 30 }, () => tasks.execute("sleep 0.1"));
  await session.submit();
  await session.wait([first, big, ...small]);
  const lastSmallEnd = Math.max(...small.map((t) => t.info!.startTime + t.info!.duration));
  assert.ok(
    big.info!.startTime < lastSmallEnd - 500,
    `the 2-cpu task started at ${big.info!.startTime}, the small ones ended at ${lastSmallEnd}`,
  );
});

Deno.test("a task needing more cpus than the governors left fails its session when the largest is lost", async () => {
  await using cluster = await startProcessCluster([1, 3]);
  const session = cluster.client.newSession();
  const slow = tasks.execute(["sh", "-c", "sleep 0.5; echo x"], { stdout: true });
  const big = tasks.execute(["cat", slow.output], { stdout: true, cpus: 3, name: "big" });
  big.keepOutputs();
  await session.submit();
  cluster.governors[1]!.child.kill("SIGKILL");
  await assert.rejects(
    big.output.fetch(),
    /Task "big" \(execute \d+\/\d+\) needs 3 cpus but the largest governor has 1/,
  );
  await session.close();
});
