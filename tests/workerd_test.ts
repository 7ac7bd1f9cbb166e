/**
 * The server on the edge: the Cloudflare Workers bundle (`edge/worker.ts`,
 * one Durable Object holding the coordinator) built and served by workerd
 * with the repository's `edge/workerd.capnp`, joined by Deno governor
 * processes and a client, exactly as a local server is.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, type DataInstance, remote, type Task, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { startCli } from "./_cli.ts";
import { startProcessCluster } from "./_process_cluster.ts";
import { ROOT } from "./_runtime_process.ts";
import { startWorkerd, type WorkerdServer } from "./_workerd.ts";
import { newToken } from "../common/auth.ts";
import { silentGovernorIsLost } from "./_silent_governor.ts";
import { checkConcat, within } from "./_util.ts";

/** Request options that present a server's secret. */
function auth(token: string | null): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

/** The governors that ran some of `ts` (after they finished), sorted. */
function governorsOf(ts: Task[]): string[] {
  return [...new Set(ts.map((t) => t.info!.governor))].sort();
}

Deno.test("edge (workerd): two governor processes and a client run concat, execute and a remote function on both governors", async () => {
  await using cluster = await startProcessCluster([1, 1], 5000, "workerd");
  await using session = cluster.client.newSession({ name: "edge" });
  // Each step holds its governor's only cpu for a while, so the four spread over both.
  const steps = [0, 1, 2, 3].map((i) =>
    tasks.execute(["sh", "-c", `sleep 0.3; printf part${i}`], { stdout: true })
  );
  const upper = remote(async (_ctx, data: DataInstance) => {
    await new Promise((r) => setTimeout(r, 300));
    return data.text().toUpperCase();
  });
  const uppers = steps.map((s) => upper(s.output));
  const all = tasks.concat([blob("<"), ...uppers.map((u) => u.output), blob(">")]);
  all.keepOutputs();
  // 36 MiB: more than one message to the edge may carry (32 MiB), so these
  // bytes can only reach the client straight from the governor.
  const size = 36 * 1024 * 1024;
  const big = tasks.execute(["sh", "-c", `head -c ${size} /dev/zero | tr '\\0' r`], {
    stdout: true,
  });
  big.keepOutputs();
  await session.submit();

  assert.equal((await all.output.fetch()).text(), "<PART0PART1PART2PART3>");
  const bytes = (await big.output.fetch()).bytes();
  assert.equal(bytes.length, size);
  assert.ok(bytes.every((b) => b === 0x72), "every byte of the big object is 'r'");

  await session.wait([...steps, ...uppers, all]);
  const ids = cluster.governors.map((g) => g.id).sort();
  assert.deepEqual(governorsOf(steps), ids, "execute tasks ran on both governors");
  assert.deepEqual(governorsOf(uppers), ids, "remote-function tasks ran on both governors");
  const info = await (await fetch(`http://${cluster.address}/api/info`, auth(cluster.token)))
    .json();
  assert.deepEqual(info.governors.map((g: { id: string }) => g.id).sort(), ids);
  assert.equal(info.sessions[0].name, "edge", "the HTTP routes are served by the same object");
});

Deno.test("edge (workerd): the heartbeat alarm declares a silent governor lost and its work is recomputed on the other", async () => {
  await silentGovernorIsLost("workerd");
});

Deno.test("edge (workerd): a killed governor's lost objects are recomputed on the other", async () => {
  await using cluster = await startProcessCluster([1, 1], 5000, "workerd");
  await using session = cluster.client.newSession();
  const firsts = Array.from(
    { length: 4 },
    (_, i) => tasks.execute(["sh", "-c", `sleep 0.3; printf a${i}`], { stdout: true }),
  );
  const all = tasks.concat(
    firsts.map((f) => tasks.execute(["sh", "-c", "sleep 0.3; cat"], { stdin: f, stdout: true })),
  );
  all.keepOutputs();
  await session.submit();
  await session.wait([firsts[0]!]);
  const victim = cluster.governors.find((g) => g.id === firsts[0]!.info!.governor)!;
  victim.child.kill("SIGKILL");
  assert.equal((await within(all.output.fetch(), 20_000, "the result")).text(), "a0a1a2a3");
  const info = await cluster.client.serverInfo();
  assert.ok(!info.governors.some((g) => g.id === victim.id), "the killed governor is gone");
});

Deno.test("edge (workerd): an idle client's session outlives the platform's 10 s hibernation grace", async () => {
  const workerd = await startWorkerd();
  const client = await Client.connect(workerd.address).catch(async (e) => {
    await workerd.server.close();
    throw e;
  });
  try {
    await using session = client.newSession();
    const kept = blob("still here");
    kept.keep();
    await session.submit();
    // No governor, no request: only the object's heartbeat alarm is an event now.
    // Without it workerd hibernates the object after 10 s and the session is gone.
    await new Promise((r) => setTimeout(r, 12_000));
    assert.equal((await kept.fetch()).text(), "still here");
  } finally {
    await client.close();
    await workerd.server.close();
  }
});

/** One server-sent event. */
interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The server-sent events of a response, read one at a time. */
interface SseEvents {
  next(): Promise<SseEvent>;
  cancel(): Promise<void>;
}

/** Reads the server-sent events of a response. */
function sseEvents(r: Response): SseEvents {
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next() {
      while (!buffer.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("The event stream ended");
        buffer += value;
      }
      const block = buffer.slice(0, buffer.indexOf("\n\n"));
      buffer = buffer.slice(block.length + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      return { event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(data.join("\n")) };
    },
    cancel: () => reader.cancel(),
  };
}

Deno.test("edge (workerd): the dashboard streams live updates from the Durable Object, and an open dashboard keeps the history past the hibernation grace", async () => {
  const workerd = await startWorkerd();
  const base = `http://${workerd.address}`;
  let feed: SseEvents | undefined;
  try {
    const page = await fetch(`${base}/dashboard/`, auth(workerd.server.token));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="app.js">/);
    const governor = await startGovernor({ server: workerd.address, cpus: 1 });
    const client = await Client.connect(workerd.address);
    let id: number;
    try {
      const live = sseEvents(
        await within(
          fetch(`${base}/api/stream`, auth(workerd.server.token)),
          10_000,
          "the live feed",
        ),
      );
      feed = live;
      const snapshot = await within(live.next(), 10_000, "the snapshot");
      assert.equal(snapshot.event, "snapshot");
      const governors = snapshot.data.governors as { id: string }[];
      assert.deepEqual(governors.map((g) => g.id), [governor.id]);
      const session = client.newSession({ name: "edge dashboard" });
      // One cpu, four half-second tasks: the run lasts ~2 s, long enough to be seen running.
      const steps = [0, 1, 2, 3].map((i) => tasks.sleep(blob(`${i}`), 0.5, { name: `nap/${i}` }));
      await session.submit();
      id = session.id;
      let firstRunning = Infinity;
      let finishedAt: number;
      for (;;) {
        const { event, data } = await within(live.next(), 10_000, "the next update");
        assert.equal(event, "update");
        const sessions = data.sessions as {
          id: number;
          counts: Record<string, number>;
          finished: number;
        }[];
        const s = sessions.find((x) => x.id === id);
        if (s && s.counts.running! > 0) firstRunning = Math.min(firstRunning, Date.now());
        if (s?.counts.finished === 4) {
          finishedAt = s.finished;
          break;
        }
      }
      // Received before the server saw the session finish (same machine, same
      // clock): the updates stream, they are not held back until the end.
      assert.ok(firstRunning < finishedAt, "an update arrived while the session ran");
      await session.wait(steps);
      await session.close();
    } finally {
      await client.close();
      await governor.close();
    }
    // Nobody but the dashboard is connected now. Without it the platform
    // hibernates the object after 10 s, and the closed session's history goes
    // with it; the open event stream is a request in progress, which keeps it.
    await new Promise((r) => setTimeout(r, 12_000));
    const summary = await (await fetch(`${base}/api/sessions/${id}`, auth(workerd.server.token)))
      .json();
    assert.equal(summary.name, "edge dashboard");
    assert.equal(summary.state, "closed");
    const trace =
      await (await fetch(`${base}/api/sessions/${id}/trace`, auth(workerd.server.token)))
        .json() as {
          traceEvents: { ph: string; name: string }[];
        };
    assert.deepEqual(
      trace.traceEvents.filter((e) => e.ph === "X").map((e) => e.name).sort(),
      ["nap/0", "nap/1", "nap/2", "nap/3"],
    );
  } finally {
    await feed?.cancel().catch(() => {});
    await workerd.server.close();
  }
});

Deno.test("edge (workerd): rain governor rejoins the edge server after it restarted, and runs the new server's sessions", async () => {
  const first = await startWorkerd();
  const { address, server: { port } } = first;
  let second: WorkerdServer | undefined;
  try {
    await using gov = startCli(["governor", address, "--cpus", "1"]);
    await gov.waitFor(/Governor \S+ with 1 cpus joined/, 20_000);
    // Everything the old server held is gone, as when the platform evicts the object.
    await first.server.close();
    second = await startWorkerd({ port });
    await gov.waitFor(/Rejoined server/, 20_000, "stderr");
    const client = await Client.connect(address);
    try {
      await using session = client.newSession();
      await checkConcat(session, "after ", "restart");
    } finally {
      await client.close();
    }
  } finally {
    await first.server.close();
    await second?.server.close();
  }
});

Deno.test("edge (workerd): the deploy configuration edge/wrangler.jsonc serves the same worker", async () => {
  // A deploy gets RAIN_TOKEN from `wrangler secret put`; here a copy of the file beside it
  // (same relative paths) carries it as a plain binding, the rest as it is.
  const token = newToken();
  const original = await Deno.readTextFile(`${ROOT}edge/wrangler.jsonc`);
  const vars = `"vars": { "RAIN_HEARTBEAT_TIMEOUT_MS": "5000" }`;
  assert.ok(original.includes(vars), "edge/wrangler.jsonc sets the heartbeat timeout");
  const config = `edge/wrangler.test-${Deno.pid}.jsonc`;
  await Deno.writeTextFile(
    `${ROOT}${config}`,
    original.replace(
      vars,
      `"vars": { "RAIN_HEARTBEAT_TIMEOUT_MS": "5000", "RAIN_TOKEN": "${token}" }`,
    ),
  );
  const workerd = await startWorkerd({ config, token }).finally(() =>
    Deno.remove(`${ROOT}${config}`)
  );
  try {
    const governor = await startGovernor({ server: workerd.address, cpus: 1 });
    let client: Client | undefined;
    try {
      client = await Client.connect(workerd.address);
      await using session = client.newSession();
      await checkConcat(session, "wrangler ", "config");
      const info =
        await (await fetch(`http://${workerd.address}/api/info`, auth(workerd.server.token)))
          .json();
      assert.deepEqual(info.governors.map((g: { id: string }) => g.id), [governor.id]);
    } finally {
      await client?.close();
      await governor.close();
    }
  } finally {
    await workerd.server.close();
  }
});

Deno.test("edge (workerd): 10,000 independent tasks through workerd beside the Deno-hosted server (bench/edge.ts, printed)", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}bench/edge.ts`, "--warmup", "1", "--rounds", "1"],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(240_000),
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `bench/edge.ts failed:\n${out}\n${new TextDecoder().decode(stderr)}`);
  const deno = Number(/server on Deno: +(\d+) tasks\/s/.exec(out)?.[1]);
  const workerd = Number(/server in workerd: +(\d+) tasks\/s/.exec(out)?.[1]);
  assert.ok(deno > 0 && workerd > 0, `both figures are printed:\n${out}`);
  console.log(out.trimEnd());
});
