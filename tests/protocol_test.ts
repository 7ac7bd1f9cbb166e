/**
 * The client protocol's robustness: a client that breaks the protocol gets a
 * protocol error and is disconnected; the server stays up for everyone else.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Client } from "../mod.ts";
import { type Cluster, startCluster } from "./_cluster.ts";
import { encode, RawClient } from "./_raw_client.ts";
import { checkConcat } from "./_util.ts";

/** Asserts that the server still works for a proper client and for new clients. */
async function assertServerStillUp(cluster: Cluster): Promise<void> {
  await using session = cluster.client.newSession();
  await checkConcat(session, "still ", "up");
  const fresh = await Client.connect(cluster.address);
  try {
    assert.equal((await fresh.serverInfo()).governors.length, 1);
  } finally {
    await fresh.close();
  }
}

/** Asserts that the server answered with a protocol error and closed the connection. */
async function assertProtocolError(raw: RawClient, pattern: RegExp): Promise<void> {
  const m = await raw.next();
  assert.equal(m.type, "error");
  assert.equal(m.rid, 0);
  assert.equal(m.code, "PROTOCOL");
  assert.match(m.message!, /^Protocol error: /);
  assert.match(m.message!, pattern);
  const close = await raw.closed;
  assert.equal(close.code, 1002);
}

Deno.test("garbage bytes get a protocol error and a close; the server stays up", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  raw.send(new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x13, 0x37]));
  await assertProtocolError(raw, /not valid CBOR/);
  await assertServerStillUp(cluster);
});

Deno.test("a malformed CBOR message (wrong field type) gets a protocol error; the server stays up", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  raw.send(encode([{ type: "submit", rid: "one", session: 1, tasks: [], objects: [] }]));
  await assertProtocolError(raw, /submit\.rid/);
  await assertServerStillUp(cluster);
});

Deno.test("valid CBOR that is not an array of messages gets a protocol error", async () => {
  await using cluster = await startCluster();
  for (
    const frame of [
      encode({ type: "hello", version: 1 }),
      encode([42]),
      encode([{ type: "whatever", rid: 1 }]),
    ]
  ) {
    await using raw = new RawClient(cluster.address, cluster.token);
    await raw.opened;
    await raw.hello();
    raw.send(frame);
    await assertProtocolError(
      raw,
      /array of messages|object with a string type|Unknown client message type "whatever"/,
    );
  }
  await assertServerStillUp(cluster);
});

Deno.test("a text frame, a request before hello and a wrong version are protocol errors", async () => {
  await using cluster = await startCluster();
  {
    await using raw = new RawClient(cluster.address, cluster.token);
    await raw.opened;
    raw.send("hello?");
    await assertProtocolError(raw, /Text frames are not accepted/);
  }
  {
    await using raw = new RawClient(cluster.address, cluster.token);
    await raw.opened;
    raw.send(encode([{ type: "serverInfo", rid: 1 }]));
    await assertProtocolError(raw, /Expected a hello message first/);
  }
  {
    await using raw = new RawClient(cluster.address, cluster.token);
    await raw.opened;
    raw.send(encode([{ type: "hello", version: 99 }]));
    await assertProtocolError(raw, /Protocol version 99 is not supported/);
  }
  await assertServerStillUp(cluster);
});

Deno.test("a request the server refuses gets an error reply and the connection stays open", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const refused = await raw.request({ type: "waitAll", rid: 7, session: 12345 });
  assert.deepEqual(refused, {
    type: "error",
    rid: 7,
    message: "Session 12345 is not open",
    code: "NO_SESSION",
  });
  const info = await raw.request({ type: "serverInfo", rid: 8 });
  assert.equal(info.type, "reply");
  assert.equal(info.rid, 8);
});

Deno.test("the server itself rejects (and fails the session on) a submit using a non-kept object of an earlier submit", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const created = await raw.request({ type: "newSession", rid: 1, name: "raw" });
  assert.equal(created.type, "reply");
  const sid = created.value as number;
  const spec = (n: number) => ({
    id: [sid, n],
    label: "const",
    contentType: "",
    dataType: "blob",
    user: {},
  });
  const concat = (n: number, input: number, output: number) => ({
    id: [sid, n],
    taskType: "concat",
    config: null,
    inputs: [{ id: [sid, input], label: "" }],
    outputs: [[sid, output]],
    resources: { cpus: 1 },
    user: {},
    name: "",
  });
  const first = await raw.request({
    type: "submit",
    rid: 2,
    session: sid,
    tasks: [concat(1, 0, 2)],
    objects: [{ spec: spec(0), keep: false, data: new Uint8Array([1]) }, {
      spec: spec(2),
      keep: false,
    }],
  });
  assert.deepEqual(first, { type: "reply", rid: 2, value: null });
  // Object 2 is a task's output; a constant would do (the server holds its data).
  const second = await raw.request({
    type: "submit",
    rid: 3,
    session: sid,
    tasks: [concat(3, 2, 4)],
    objects: [{ spec: spec(4), keep: true }],
  });
  assert.equal(second.type, "error");
  assert.equal(second.rid, 3);
  assert.equal(second.code, "SESSION_FAILED");
  assert.match(
    second.message!,
    new RegExp(`input object ${sid}/2 of task ${sid}/3 is from an earlier submit and not kept`),
  );
  assert.deepEqual(
    raw.failedSessions,
    [{ type: "sessionFailed", session: sid, message: second.message }],
    "the server announced the failure unasked, before its answer to the submit",
  );
});

Deno.test("the server refuses a submit whose task consumes its own output (a cycle)", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const created = await raw.request({ type: "newSession", rid: 1, name: "cycle" });
  const sid = created.value as number;
  const reply = await raw.request({
    type: "submit",
    rid: 2,
    session: sid,
    tasks: [{
      id: [sid, 0],
      taskType: "concat",
      config: null,
      inputs: [{ id: [sid, 1], label: "" }],
      outputs: [[sid, 1]],
      resources: { cpus: 1 },
      user: {},
      name: "",
    }],
    objects: [{
      spec: { id: [sid, 1], label: "0", contentType: "", dataType: "blob", user: {} },
      keep: true,
    }],
  });
  assert.equal(reply.type, "error");
  assert.match(
    reply.message!,
    new RegExp(`input object ${sid}/1 of task ${sid}/0 is made by a later task`),
  );
});

Deno.test("parts of one submit (more: true) use each other's objects; a part's unkept object is held until the last part", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const sid = (await raw.request({ type: "newSession", rid: 1, name: "raw" })).value as number;
  const spec = (n: number) => ({
    id: [sid, n],
    label: "",
    contentType: "",
    dataType: "blob",
    user: {},
  });
  const concat = (n: number, inputs: number[], output: number) => ({
    id: [sid, n],
    taskType: "concat",
    config: null,
    inputs: inputs.map((i) => ({ id: [sid, i], label: "" })),
    outputs: [[sid, output]],
    resources: { cpus: 1 },
    user: {},
    name: "",
  });
  const parts = [
    { tasks: [], objects: [{ spec: spec(0), keep: false, data: new Uint8Array([7]) }], more: true },
    { tasks: [concat(1, [0], 2)], objects: [{ spec: spec(2), keep: false }], more: true },
    { tasks: [concat(3, [2, 0], 4)], objects: [{ spec: spec(4), keep: true }] },
  ];
  for (const [i, part] of parts.entries()) {
    if (i === 2) {
      // Object 2 is finished by now and nothing of part 2 consumed it yet: it must still be there.
      const w = await raw.request({ type: "wait", rid: 9, session: sid, tasks: [1], objects: [] });
      assert.equal(w.type, "reply");
    }
    const reply = await raw.request({ type: "submit", rid: 2 + i, session: sid, ...part });
    assert.deepEqual(reply, { type: "reply", rid: 2 + i, value: null });
  }
  const fetched = await raw.request({ type: "fetch", rid: 10, session: sid, id: 4 });
  assert.equal(fetched.type, "reply");
  assert.deepEqual((fetched.value as { data: Uint8Array }).data, new Uint8Array([7, 7]));
  // Once the last part is in, object 2 is an unkept object of an earlier submit.
  const later = await raw.request({
    type: "submit",
    rid: 11,
    session: sid,
    tasks: [concat(5, [2], 6)],
    objects: [{ spec: spec(6), keep: true }],
  });
  assert.equal(later.type, "error");
  assert.match(
    later.message!,
    new RegExp(`input object ${sid}/2 of task ${sid}/5 is from an earlier submit`),
  );
});

Deno.test("a built-in task whose config is wrong fails on the governor, naming the field", async () => {
  await using cluster = await startCluster();
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const sid = (await raw.request({ type: "newSession", rid: 1, name: "bad config" }))
    .value as number;
  const submitted = await raw.request({
    type: "submit",
    rid: 2,
    session: sid,
    tasks: [{
      id: [sid, 1],
      taskType: "sleep",
      config: { seconds: "soon" },
      inputs: [{ id: [sid, 0], label: "" }],
      outputs: [[sid, 2]],
      resources: { cpus: 1 },
      user: {},
      name: "",
    }],
    objects: [
      {
        spec: { id: [sid, 0], label: "", contentType: "", dataType: "blob", user: {} },
        keep: false,
        data: new Uint8Array([1]),
      },
      {
        spec: { id: [sid, 2], label: "", contentType: "", dataType: "blob", user: {} },
        keep: true,
      },
    ],
  });
  assert.deepEqual(submitted, { type: "reply", rid: 2, value: null });
  const waited = await raw.request({ type: "waitAll", rid: 3, session: sid });
  assert.equal(waited.type, "error");
  assert.equal(waited.code, "SESSION_FAILED");
  assert.match(
    waited.message!,
    new RegExp(
      `Task sleep ${sid}/1 failed: Invalid sleep config: config\\.seconds: expected a number`,
    ),
  );
});
