/**
 * Authentication on every endpoint, with real processes: the client and
 * governor WebSockets, `/api/info` and every other route of the server, and
 * the governors' object data servers. A process without the token file (a
 * second local user) is refused everywhere; a wrong token is refused with
 * the reason; the right one runs a pipeline.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { checkToken, newToken, tokensEqual } from "../common/auth.ts";
import { encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { GOVERNOR_PROTOCOL_VERSION } from "../protocol/governor.ts";
import { runtime } from "../runtime/mod.ts";
import { type Cluster, CLUSTER_RUNTIME, startCluster } from "./_cluster.ts";
import { bundleDir, executable, ROOT } from "./_runtime_process.ts";
import { checkConcat, dataToken, until } from "./_util.ts";
import { runStranger, type StrangerResult } from "./_stranger.ts";

const WRONG = "not-the-server-token-0123456789";

/**
 * Keeps one object on the cluster's governor, in a default session left
 * open; returns the governor and the object's path.
 */
async function keptObject(cluster: Cluster): Promise<{ governor: string; path: string }> {
  const session = cluster.client.newSession({ default: true });
  const t = tasks.concat([blob("secret "), blob("data")]);
  t.output.keep();
  await session.submit();
  await t.output.fetch();
  await t.update();
  const [s, n] = t.output.spec.id;
  return { governor: t.info!.governor, path: `/objects/${s}/${n}` };
}

/** HTTP status (and body) of a GET with optional headers. */
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Opens a WebSocket with `headers` and resolves with how the server closed it. */
async function closeReason(url: string, headers: Record<string, string>): Promise<string> {
  const ws = runtime.connectWebSocket(url, { headers });
  const closed = new Promise<string>((resolve) => ws.onClose = resolve);
  await ws.opened;
  return await closed;
}

/**
 * Runs the stranger fixture on the cluster's runtime against its governor's
 * object, with the given `RAIN_TOKEN` (empty: none).
 */
function stranger(
  cluster: Cluster,
  target: { governor: string; path: string },
  rainToken: string,
): Promise<StrangerResult> {
  // The client side is Deno but in the Node and Bun runs (workerd hosts only the server).
  const [command, mod, governorMod] = CLUSTER_RUNTIME === "deno" || CLUSTER_RUNTIME === "workerd"
    ? [[Deno.execPath(), "run", "-A"], `${ROOT}mod.ts`, `${ROOT}governor/mod.ts`]
    : [[executable(CLUSTER_RUNTIME)], `${bundleDir()}/mod.js`, `${bundleDir()}/governor.js`];
  return runStranger({
    command,
    mod,
    governorMod,
    server: cluster.address,
    governor: target.governor,
    objectPath: target.path,
    rainToken,
  });
}

Deno.test("a process without the token file is refused on every endpoint; RAIN_TOKEN lets it in", async () => {
  await using cluster = await startCluster();
  const target = await keptObject(cluster);
  const r = await stranger(cluster, target, "");
  assert.match(r.client.error ?? "", /Unauthorized: no token/, JSON.stringify(r));
  assert.match(r.client.error!, /No token was found: pass \{ token \}/);
  assert.match(r.governor.error ?? "", /Unauthorized: no token/, JSON.stringify(r));
  assert.match(r.governor.error!, /no token was found/);
  assert.equal(r.info, 401);
  assert.equal(r.root, 401);
  assert.equal(r.object, 401, "object data is refused even with a known id");
  assert.equal((await cluster.client.serverInfo()).governors.length, 1, "no governor got in");

  const given = await stranger(cluster, target, cluster.token);
  assert.deepEqual(given.client, { ok: "with RAIN_TOKEN" });
  assert.deepEqual(given.governor, { ok: "registered" });
});

Deno.test("a wrong token is refused with the reason on the WebSockets, every route and the data servers", async () => {
  await using cluster = await startCluster();
  const { governor, path } = await keptObject(cluster);
  const base = `http://${cluster.address}`;
  await assert.rejects(
    Client.connect(cluster.address, { token: WRONG }),
    /Cannot connect to Rain server at 127\.0\.0\.1:\d+: Unauthorized: wrong token \(the token came from the token option\)/,
  );
  await assert.rejects(
    startGovernor({ server: cluster.address, token: WRONG, cpus: 1 }),
    /Unauthorized: wrong token/,
  );
  const bad = { authorization: `Bearer ${WRONG}` };
  assert.equal(
    await closeReason(`ws://${cluster.address}/ws/client`, bad),
    "Unauthorized: wrong token",
  );
  assert.equal(
    await closeReason(`ws://${cluster.address}/ws/governor`, {}),
    "Unauthorized: no token (send Authorization: Bearer <token>)",
  );
  for (const route of ["/api/info", "/", "/no/such/route"]) {
    const r = await get(`${base}${route}`, bad);
    assert.equal(r.status, 401, route);
    assert.equal(r.body, "Unauthorized: wrong token\n");
    assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
  }
  const basic = await get(`${base}/api/info`, {
    authorization: `Basic ${btoa(`x:${cluster.token}`)}`,
  });
  assert.equal(basic.status, 401);
  assert.match(basic.body, /not a Bearer token/);

  // The data servers take the data token only: not the server's own one.
  const object = `http://${governor}${path}`;
  assert.equal((await get(object)).status, 401);
  assert.equal((await get(object, { authorization: `Bearer ${cluster.token}` })).status, 401);
  const data = await get(object, { authorization: `Bearer ${await dataToken(cluster)}` });
  assert.equal(data.status, 200);
  assert.equal(data.body, "secret data");

  // The right token everywhere.
  const ok = await get(`${base}/api/info`, { authorization: `Bearer ${cluster.token}` });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body) as { governors: unknown[] }).governors.length, 1);
  await using session = cluster.client.newSession();
  await checkConcat(session, "still ", "running");
});

Deno.test("a browser opens ?token= once and gets an HttpOnly cookie; a foreign page's cookie is refused", async () => {
  await using cluster = await startCluster();
  const base = `http://${cluster.address}`;
  const first = await get(`${base}/api/info?token=${encodeURIComponent(cluster.token)}`);
  assert.equal(first.status, 200);
  const setCookie = first.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(";")[0]!;
  assert.equal((await get(`${base}/api/info`, { cookie })).status, 200);
  const own = { cookie, origin: base };
  assert.equal((await get(`${base}/api/info`, own)).status, 200);
  const foreign = await get(`${base}/api/info`, { cookie, origin: "http://evil.example" });
  assert.equal(foreign.status, 401);
  assert.match(foreign.body, /another origin/);
  assert.equal(
    await closeReason(`ws://${cluster.address}/ws/client`, {
      cookie,
      origin: "http://evil.example",
    }),
    "Unauthorized: a cookie from a page of another origin is not accepted",
  );
  assert.equal((await get(`${base}/api/info?token=${WRONG}`)).status, 401);
});

Deno.test("an unauthenticated WebSocket gets nothing but the close, even when it sends a hello at once", async () => {
  await using cluster = await startCluster();
  for (const path of ["/ws/client", "/ws/governor"]) {
    const ws = runtime.connectWebSocket(`ws://${cluster.address}${path}`, {
      headers: { authorization: `Bearer ${WRONG}` },
    });
    const received: Uint8Array[] = [];
    ws.onMessage = (d) => received.push(d);
    const closed = new Promise<string>((resolve) => ws.onClose = resolve);
    await ws.opened;
    const hello = path === "/ws/client"
      ? { type: "hello", version: PROTOCOL_VERSION }
      : { type: "register", version: GOVERNOR_PROTOCOL_VERSION, address: "1.2.3.4:1", cpus: 64 };
    try {
      ws.send(encodeFrame([hello]));
    } catch {
      // Already closed by the server: as good.
    }
    assert.equal(await closed, "Unauthorized: wrong token");
    assert.deepEqual(received, [], `${path} sent nothing`);
  }
  assert.equal((await cluster.client.serverInfo()).governors.length, 1, "no governor registered");
});

Deno.test("refusals are logged with the peer's address; noAuth lets anyone in", async () => {
  const lines: string[] = [];
  const server = await startServer({ port: 0, log: (m) => lines.push(m) });
  try {
    const address = `127.0.0.1:${server.port}`;
    await assert.rejects(Client.connect(address, { token: WRONG }), /wrong token/);
    assert.equal((await get(`http://${address}/api/info`)).status, 401);
    await until(() => lines.length >= 2, "two log lines");
    assert.ok(
      lines.some((l) => /^Refused WebSocket \/ws\/client from 127\.0\.0\.1: wrong token$/.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.some((l) => /^Refused GET \/api\/info from 127\.0\.0\.1: no token/.test(l)));
  } finally {
    await server.close();
  }
  const open = await startServer({ port: 0, noAuth: true });
  try {
    assert.equal(open.token, null);
    const address = `127.0.0.1:${open.port}`;
    assert.equal((await get(`http://${address}/api/info`)).status, 200);
    const gov = await startGovernor({ server: address, cpus: 1 });
    const client = await Client.connect(address, { token: WRONG }); // ignored: no auth
    try {
      await using session = client.newSession();
      const t = await checkConcat(session, "no ", "auth");
      const [s, n] = t.output.spec.id;
      assert.equal((await get(`http://${gov.id}/objects/${s}/${n}`)).status, 200);
    } finally {
      await client.close();
      await gov.close();
    }
  } finally {
    await open.close();
  }
});

Deno.test("tokens: random 256-bit secrets, constant-time comparison, given ones checked", async () => {
  const a = newToken(), b = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.ok(tokensEqual(a, a));
  assert.ok(!tokensEqual(a, b));
  assert.ok(!tokensEqual(a, a.slice(0, -1)), "a prefix is not equal");
  assert.ok(!tokensEqual("", a));
  assert.throws(
    () => checkToken("short", "RAIN_TOKEN"),
    /Invalid token from RAIN_TOKEN: 5 characters, at least 16/,
  );
  assert.throws(() => checkToken("with space in the token", "x"), /printable ASCII without spaces/);
  assert.equal(checkToken("0123456789abcdef", "x"), "0123456789abcdef");
  await assert.rejects(startServer({ port: 0, token: "short" }), /the token option/);
});
