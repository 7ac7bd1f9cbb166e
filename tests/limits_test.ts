/**
 * The server's limits: each refuses the peer that exceeds it with a clear
 * error, and every other peer and session goes on untouched.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, type Session, tasks } from "../mod.ts";
import { type Governor, startGovernor } from "../governor/mod.ts";
import { type RainServer, type ServerLimits, startServer } from "../server/mod.ts";
import { authHeaders } from "../common/auth.ts";
import { decodeFrame, encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { runtime } from "../runtime/mod.ts";

/** A server with some limits changed, one governor and a client. */
async function limited(limits: Partial<ServerLimits>) {
  const server: RainServer = await startServer({ port: 0, limits });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  let governor: Governor | undefined, client: Client | undefined;
  const close = async () => {
    await client?.close();
    await governor?.close();
    await server.close();
  };
  try {
    governor = await startGovernor({ server: address, token, cpus: 2 });
    client = await Client.connect(address, { token });
  } catch (e) {
    await close();
    throw e;
  }
  return { server, address, token, client, [Symbol.asyncDispose]: close };
}

/** Runs a concat in `session` and checks it. */
async function works(session: Session): Promise<void> {
  using _ = session.bindOnly();
  const t = tasks.concat([blob("still "), blob("fine")]);
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), "still fine");
}

Deno.test("connectionsPerAddress: the connection over the limit is closed with the reason", async () => {
  // The governor and the cluster's client are two connections from 127.0.0.1.
  await using c = await limited({ connectionsPerAddress: 3 });
  const second = await Client.connect(c.address, { token: c.token });
  await assert.rejects(
    Client.connect(c.address, { token: c.token }),
    /Cannot connect to Rain server at 127\.0\.0\.1:\d+: Too many connections from 127\.0\.0\.1 \(limit 3\)/,
  );
  await second.close();
  // A closed connection frees its place (the server notices the close at once or soon).
  let third: Client | undefined;
  for (let i = 0; i < 50 && !third; i++) {
    third = await Client.connect(c.address, { token: c.token }).catch(() => undefined);
    if (!third) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(third, "a connection is accepted again after one closed");
  await third.close();
  await using session = c.client.newSession();
  await works(session);
});

Deno.test("sessionsPerClient: newSession over the limit is refused for that client only", async () => {
  await using c = await limited({ sessionsPerClient: 2 });
  await using a = c.client.newSession();
  await using b = c.client.newSession();
  await works(a);
  await works(b);
  const third = c.client.newSession();
  await assert.rejects(
    third.submit(),
    /this client has 2 open sessions, the server's limit \(sessionsPerClient\); close some first/,
  );
  await third.close();
  const other = await Client.connect(c.address, { token: c.token });
  try {
    await using s = other.newSession();
    await works(s);
  } finally {
    await other.close();
  }
  await b.close();
  await using fourth = c.client.newSession();
  await works(fourth);
});

Deno.test("tasksPerSubmit, objectsPerSubmit and constantBytesPerSubmit fail that submit's session only", async () => {
  await using c = await limited({
    tasksPerSubmit: 3000,
    objectsPerSubmit: 7000,
    constantBytesPerSubmit: 1000,
  });
  await using ok = c.client.newSession();
  await works(ok);
  {
    // 4,000 tasks travel in two parts: the limit counts the whole submit.
    await using s = c.client.newSession();
    const a = blob("a");
    for (let i = 0; i < 4000; i++) tasks.concat([a]);
    await assert.rejects(
      s.submit(),
      /Invalid submit to session \d+: it has 4000 tasks, more than the server's limit of 3000 \(tasksPerSubmit\)/,
    );
  }
  {
    await using s = c.client.newSession();
    for (let i = 0; i < 7001; i++) blob("x");
    await assert.rejects(
      s.submit(),
      /it has 7001 objects, more than .* of 7000 \(objectsPerSubmit\)/,
    );
  }
  {
    await using s = c.client.newSession();
    blob(new Uint8Array(600));
    blob(new Uint8Array(600));
    await assert.rejects(
      s.submit(),
      /it has 1200 bytes of constants, more than the server's limit of 1000 \(constantBytesPerSubmit\)/,
    );
  }
  await works(ok);
});

Deno.test("malformedFrames: each malformed frame gets an error; the one at the limit closes", async () => {
  await using c = await limited({ malformedFrames: 3 });
  const ws = runtime.connectWebSocket(`ws://${c.address}/ws/client`, {
    headers: authHeaders(c.token),
  });
  const messages: { type: string; message?: string; rid?: number }[] = [];
  let wake = () => {};
  ws.onMessage = (d) => {
    messages.push(...decodeFrame(d) as typeof messages);
    wake();
  };
  const closed = new Promise<string>((resolve) => ws.onClose = resolve);
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((r) => wake = r);
    return messages.shift()!;
  };
  await ws.opened;
  ws.send(encodeFrame([{ type: "hello", version: PROTOCOL_VERSION }]));
  assert.equal((await next()).type, "welcome");
  for (let i = 1; i <= 2; i++) {
    ws.send(new Uint8Array([0xff, 0x00, i]));
    assert.match((await next()).message!, /^Protocol error: Frame is not valid CBOR/);
  }
  ws.send(encodeFrame([{ type: "serverInfo", rid: 5 }]));
  const reply = await next();
  assert.deepEqual([reply.type, reply.rid], ["reply", 5], "the connection still works");
  ws.send(encodeFrame([{ type: "nonsense", rid: 6 }]));
  assert.match((await next()).message!, /Unknown client message type "nonsense"/);
  assert.equal(await closed, "protocol error");
  await using session = c.client.newSession();
  await works(session);
});
