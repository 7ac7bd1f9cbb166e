/**
 * The server as a fetch handler (`createServerApp()`), served by the host's
 * own HTTP server: `Deno.serve(rain.fetch)` in this process, `Bun.serve` and
 * Node's `@hono/node-server` in child processes of the npm bundle. A governor
 * and a client (Deno, in this process) join it and run a pipeline.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, remote, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { createServerApp } from "../server/mod.ts";
import { tempBundle } from "./_package.ts";
import { executable, ROOT, startReady } from "./_runtime_process.ts";

/** Runs a concat and a remote function through the server at `address`. */
async function pipeline(address: string, token: string): Promise<void> {
  const governor = await startGovernor({ server: address, token, cpus: 2 });
  try {
    const client = await Client.connect(address, { token });
    try {
      await using session = client.newSession({ name: "edge" });
      const t = tasks.concat([blob("Hello "), blob("edge!")]);
      const r = remote((_ctx, s: string) => s.toUpperCase())("remote");
      t.output.keep();
      r.output.keep();
      await session.submit();
      assert.equal((await t.output.fetch()).text(), "Hello edge!");
      assert.equal((await r.output.fetch()).text(), "REMOTE");
      await t.update();
      assert.equal(t.info!.governor, governor.id);
      const info = await client.serverInfo();
      assert.deepEqual(info.governors.map((g) => g.id), [governor.id]);
    } finally {
      await client.close();
    }
  } finally {
    await governor.close();
  }
}

Deno.test("createServerApp(): served by Deno.serve(rain.fetch), a governor and a client join", async () => {
  const rain = createServerApp();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (a) => listening.resolve(a as Deno.NetAddr) },
    rain.fetch,
  );
  try {
    const { port } = await listening.promise;
    await pipeline(`127.0.0.1:${port}`, rain.token!);
    const refused = await fetch(`http://127.0.0.1:${port}/api/info`);
    assert.equal(refused.status, 401, "the app's routes are behind its secret");
    await refused.body?.cancel();
    const res = await fetch(`http://127.0.0.1:${port}/api/info`, {
      headers: { authorization: `Bearer ${rain.token}` },
    });
    assert.equal(res.status, 200);
    assert.ok(Array.isArray((await res.json()).sessions), "plain HTTP routes are served too");
  } finally {
    rain.close();
    await server.shutdown();
  }
});

Deno.test("createServerApp(): served by Bun.serve and by @hono/node-server from the npm bundle", async (t) => {
  await using bundle = await tempBundle();
  for (const runtime of ["bun", "node"] as const) {
    await t.step(runtime, async () => {
      const host = await startReady({
        cmd: executable(runtime),
        args: ["tests/fixtures/edge_host.mjs", bundle.path],
        cwd: ROOT,
        ready: /\{"port":(\d+),"host":"([^"]+)","token":"([^"]+)"\}/,
      });
      try {
        assert.equal(host.ready[2], runtime === "bun" ? "Bun.serve" : "@hono/node-server");
        await pipeline(`127.0.0.1:${host.ready[1]}`, host.ready[3]!);
        await host.close("SIGTERM");
        assert.equal((await host.status).code, 0, host.stderr());
      } finally {
        await host.close();
      }
    });
  }
});
