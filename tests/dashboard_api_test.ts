/**
 * The dashboard's HTTP side on every runtime: the page and its modules, the
 * live feed (server-sent events), the JSON API, and the trace export as
 * valid Chrome trace-event JSON.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, tasks } from "../mod.ts";
import { type Cluster, startCluster } from "./_cluster.ts";

function get(cluster: Cluster, path: string): Promise<Response> {
  return fetch(`http://${cluster.address}${path}`, {
    redirect: "manual",
    headers: { authorization: `Bearer ${cluster.token}` },
  });
}

async function json<T = Record<string, unknown>>(cluster: Cluster, path: string): Promise<T> {
  const r = await get(cluster, path);
  assert.equal(r.status, 200, `GET ${path}`);
  return await r.json() as T;
}

/** Reads server-sent events from a response. */
function sseReader(r: Response) {
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(): Promise<{ event: string; data: unknown }> {
      while (!buffer.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("The event stream ended");
        buffer += value;
      }
      const end = buffer.indexOf("\n\n");
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      return { event, data: JSON.parse(data.join("\n")) };
    },
    cancel: () => reader.cancel(),
  };
}

/** A small pipeline of named tasks; resolves once it ran. */
async function runPipeline(cluster: Cluster, name: string) {
  const session = cluster.client.newSession({ name });
  const a = blob("12345");
  const parts = Array.from(
    { length: 6 },
    (_, i) => tasks.concat([a, a], { name: `sum/part-${i}` }),
  );
  const last = tasks.concat(parts.map((p) => p.output), { name: "sum/all" });
  last.output.keep();
  await session.submit();
  await session.waitAll();
  return { session, tasks: 7, last };
}

Deno.test("GET /dashboard/ serves the page and its modules; /dashboard redirects there", async () => {
  await using cluster = await startCluster();
  const page = await get(cluster, "/dashboard/?token=x");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  assert.match(html, /<script type="module" src="app.js">/);
  for (const file of ["app.js", "inspector.js", "timeline.js", "style.css"]) {
    const r = await get(cluster, `/dashboard/${file}`);
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get("content-type") ?? "", file.endsWith(".js") ? /javascript/ : /css/);
    await r.body?.cancel();
  }
  const missing = await get(cluster, "/dashboard/nope.js");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const bare = await get(cluster, "/dashboard?token=x");
  assert.equal(bare.status, 302);
  assert.equal(new URL(bare.headers.get("location")!, "http://h").pathname, "/dashboard/");
  assert.equal(new URL(bare.headers.get("location")!, "http://h").search, "?token=x");
  await bare.body?.cancel();
});

Deno.test("the live feed sends a snapshot, then each session's changes as they happen", async () => {
  await using cluster = await startCluster({ governors: [2, 1] });
  const feed = sseReader(await get(cluster, "/api/stream"));
  try {
    const snapshot = await feed.next();
    assert.equal(snapshot.event, "snapshot");
    const snap = snapshot.data as { governors: { id: string; cpus: number }[] };
    assert.deepEqual(snap.governors.map((g) => g.cpus).sort(), [1, 2]);
    const { session, tasks } = await runPipeline(cluster, "live feed");
    // Updates carry the session until it shows every task finished.
    for (;;) {
      const { event, data } = await feed.next();
      assert.equal(event, "update");
      const s = (data as { sessions: { id: number; counts: { finished: number } }[] }).sessions
        .find((x) => x.id === session.id);
      if (s?.counts.finished === tasks) break;
    }
    await session.close();
  } finally {
    await feed.cancel();
  }
});

Deno.test("the session API aggregates name groups and describes each task", async () => {
  await using cluster = await startCluster();
  const { session, last } = await runPipeline(cluster, "groups");
  const root = await json<
    { groups: { path: string; total: number; counts: { finished: number } }[] }
  >(
    cluster,
    `/api/sessions/${session.id}/groups`,
  );
  assert.deepEqual(root.groups.map((g) => [g.path, g.total, g.counts.finished]), [["sum", 7, 7]]);
  const info = await json<{ sessions: { id: number; name: string; state: string }[] }>(
    cluster,
    "/api/cluster",
  );
  assert.deepEqual(
    info.sessions.filter((s) => s.id === session.id).map((s) => [s.name, s.state]),
    [["groups", "finished"]],
  );
  const detail = await json<{ name: string; state: string; inputs: unknown[]; outputs: unknown[] }>(
    cluster,
    `/api/sessions/${session.id}/tasks/${last.spec.id[1]}`,
  );
  assert.equal(detail.name, "sum/all");
  assert.equal(detail.state, "finished");
  assert.equal(detail.inputs.length, 6);
  assert.deepEqual(detail.outputs, [{
    id: last.output.spec.id[1],
    label: "0",
    state: "finished",
    size: 60,
    contentType: "",
    dataType: "blob",
    keep: true,
    user: {},
  }]);
  const unknown = await get(cluster, `/api/sessions/${session.id}/tasks/9999`);
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error, /Task \d+\/9999 not found/);
  const events = await json<{ events: { seq: number; type: string }[] }>(cluster, "/api/events");
  assert.ok(events.events.some((e) => e.type === "task:finished"));
  assert.deepEqual(events.events.map((e) => e.seq), events.events.map((_, i) => i + 1));
  await session.close();
});

Deno.test("GET /api/sessions/:id/trace is trace-event JSON with one complete event per finished task", async () => {
  await using cluster = await startCluster({ governors: [2, 2] });
  const { session, tasks } = await runPipeline(cluster, "trace");
  // Closed: the history stays viewable after the session is gone from the server.
  await session.close();
  const r = await get(cluster, `/api/sessions/${session.id}/trace`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-disposition") ?? "", /attachment; filename=".*\.json"/);
  const trace = await r.json() as { traceEvents: Record<string, unknown>[] };
  const complete = trace.traceEvents.filter((e) => e.ph === "X");
  assert.equal(complete.length, tasks);
  assert.deepEqual(
    complete.map((e) => e.name).sort(),
    ["sum/all", ...Array.from({ length: 6 }, (_, i) => `sum/part-${i}`)].sort(),
  );
  const threads = new Set(
    trace.traceEvents.filter((e) => e.name === "thread_name").map((e) => `${e.pid}/${e.tid}`),
  );
  for (const e of complete) {
    assert.equal(typeof e.ts, "number");
    assert.ok((e.ts as number) >= 0 && (e.dur as number) >= 0);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid));
    assert.ok(threads.has(`${e.pid}/${e.tid}`), "each event's cpu slot is named");
    assert.equal(e.cat, "sum");
  }
  const none = await get(cluster, "/api/sessions/999/trace");
  assert.equal(none.status, 404);
  await none.body?.cancel();
});

Deno.test("stopping the server ends open live feeds instead of waiting for them", async () => {
  const cluster = await startCluster();
  const feed = sseReader(await get(cluster, "/api/stream"));
  assert.equal((await feed.next()).event, "snapshot");
  const t0 = Date.now();
  await cluster.close();
  assert.ok(Date.now() - t0 < 5000, `closing took ${Date.now() - t0} ms`);
  // Updates sent while the governors left, then the end of the stream.
  await assert.rejects(async () => {
    for (;;) await feed.next();
    // The end as each runtime's fetch reports it (workerd's process is killed mid-stream).
  }, /ended|terminated|closed|aborted|network|reset|error reading a body/i);
});
