/**
 * API.md, "Constant objects".
 *
 * @module
 */
import assert from "node:assert/strict";
// Not "cbor-x": its main entry loads the native cbor-extract addon, which crashes Deno.
import { decode as cborDecode } from "cbor-x/decode";
import { decode as msgpackDecode } from "@msgpack/msgpack";
import { blob, DataObject, directory, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

Deno.test('blob(Uint8Array) is raw bytes with content type "" and label "const"', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const bytes = new Uint8Array([1, 2, 3]);
  const b = blob(bytes);
  assert.equal(b.spec.contentType, "");
  assert.equal(b.spec.label, "const");
  assert.equal(b.spec.dataType, "blob");
  assert.equal(b.producer, null);
  b.keep();
  await session.submit();
  const r = await b.fetch();
  assert.deepEqual(r.bytes(), bytes);
  assert.equal(r.contentType, "");
});

Deno.test("blob(bytes, { label }) sets the label", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  assert.equal(blob(new Uint8Array([1]), { label: "input data" }).spec.label, "input data");
});

Deno.test('blob(string) has content type "text"', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const b = blob("String data");
  assert.equal(b.spec.contentType, "text");
  b.keep();
  await session.submit();
  const r = await b.fetch();
  assert.equal(r.contentType, "text");
  assert.equal(r.text(), "String data");
  assert.equal(r.load(), "String data");
});

Deno.test('blob(string, { contentType: "json" }) is the string\'s bytes, loaded as JSON', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const b = blob("[1, 2, 3, 4]", { contentType: "json" });
  assert.equal(b.spec.contentType, "json");
  b.keep();
  await session.submit();
  const r = await b.fetch();
  assert.equal(r.text(), "[1, 2, 3, 4]");
  assert.deepEqual(r.load(), [1, 2, 3, 4]);
});

Deno.test('blob(value, { encode: "json" }) encodes and sets content type "json"', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const b = blob([1, 2, 3, 4], { encode: "json" });
  assert.equal(b.spec.contentType, "json");
  b.keep();
  await session.submit();
  const r = await b.fetch();
  assert.deepEqual(JSON.parse(r.text()), [1, 2, 3, 4]);
  assert.deepEqual(r.load(), [1, 2, 3, 4]);
});

Deno.test('blob(value, { encode: "cbor" }) and { encode: "msgpack" } encode with those formats', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const c = blob([1, 2, 3, 4], { encode: "cbor" });
  const m = blob([1, 2, 3, 4], { encode: "msgpack" });
  assert.equal(c.spec.contentType, "cbor");
  assert.equal(m.spec.contentType, "msgpack");
  c.keep();
  m.keep();
  await session.submit();
  const rc = await c.fetch();
  const rm = await m.fetch();
  assert.deepEqual(cborDecode(rc.bytes()), [1, 2, 3, 4]);
  assert.deepEqual(msgpackDecode(rm.bytes()), [1, 2, 3, 4]);
  assert.deepEqual(rc.load(), [1, 2, 3, 4]);
  assert.deepEqual(rm.load(), [1, 2, 3, 4]);
});

Deno.test("blob() and directory() are synchronous and return data objects", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const b = blob("x");
  const d = directory(dir.path);
  for (const o of [b, d]) {
    assert.ok(o instanceof DataObject);
    assert.equal(typeof (o as unknown as { then?: unknown }).then, "undefined");
    assert.equal(o.state, "unsubmitted");
  }
  assert.equal(d.spec.dataType, "dir");
  assert.equal(d.spec.label, "const");
  assert.equal(directory(dir.path, { label: "inputs" }).spec.label, "inputs");
});

Deno.test("blob() of a value that is neither bytes nor string needs { encode }", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  assert.throws(() => blob(42), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /Cannot make a blob of number.*encode/);
    return true;
  });
  assert.throws(() => blob([1, 2]), TypeError);
  assert.throws(() => blob(null), /of null/);
});

Deno.test('blob() rejects conflicting encode/contentType and a non-string "text" encoding', async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  assert.throws(() => blob([1], { encode: "json", contentType: "cbor" }), /Conflicting options/);
  assert.equal(blob([1], { encode: "json", contentType: "json" }).spec.contentType, "json");
  assert.throws(() => blob(5, { encode: "text" }), TypeError);
  assert.throws(() => blob(5, { encode: "yaml" as never }), /Unknown encoding "yaml"/);
});

Deno.test("constants can be inputs of tasks and keep their bytes exactly", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const bytes = new Uint8Array(256).map((_, i) => i);
  const t = tasks.concat([blob(bytes), blob("!"), blob(new Uint8Array())]);
  t.output.keep();
  await session.submit();
  const r = await t.output.fetch();
  assert.deepEqual(r.bytes(), new Uint8Array([...bytes, 0x21]));
});

Deno.test("small constants adding up to more than one message carries are submitted", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  // 70 × 900 KiB: each would travel inside the submit, but not all of them together.
  const parts = Array.from({ length: 70 }, (_, i) => blob(new Uint8Array(900 * 1024).fill(i)));
  const t = tasks.concat(parts);
  t.output.keep();
  await session.submit();
  const r = (await t.output.fetch()).bytes();
  assert.equal(r.length, 70 * 900 * 1024);
  assert.equal(r[69 * 900 * 1024], 69);
  assert.ok(
    (await cluster.client.serverInfo()).contents.uploads > 0,
    "the largest went by reference",
  );
});

Deno.test("a constant whose data cannot be sent fails the submit clearly and loses nothing", async () => {
  await using cluster = await startCluster({ governors: [] });
  await using session = cluster.client.newSession();
  const big = blob(new Uint8Array(2 * 1024 * 1024));
  const t = tasks.concat([big]);
  await assert.rejects(
    session.submit(),
    /^RainError: Cannot take constant data xxh128:[0-9a-f]{32}: no governor is connected to hold it$/,
  );
  assert.equal(session.state, "open");
  assert.equal(t.state, "unsubmitted", "the graph stays pending");
  assert.equal(big.state, "unsubmitted");
});
