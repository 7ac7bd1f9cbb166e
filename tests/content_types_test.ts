/**
 * API.md, "Data types and content types".
 *
 * @module
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, type DataObject, directory, type Encoding, type Session, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

/** Keeps an object, sends it through a governor (a 0 s sleep), and fetches it. */
async function roundTrip(session: Session, obj: DataObject) {
  const t = tasks.sleep(obj, 0);
  t.output.keep();
  await session.submit();
  return await t.output.fetch();
}

Deno.test("every object is a blob or a dir, and the data type is part of the graph", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const b = blob("x");
  const d = directory(dir.path);
  assert.equal(b.spec.dataType, "blob");
  assert.equal(d.spec.dataType, "dir");
  assert.equal(tasks.concat([b]).output.spec.dataType, "blob");
  assert.equal(tasks.load("/etc/hostname").output.spec.dataType, "blob");
  assert.equal(
    tasks.sleep(d, 1).output.spec.dataType,
    "dir",
    "sleep forwards the input's data type",
  );
  assert.equal(tasks.sleep(b, 1).output.spec.dataType, "blob");
});

Deno.test("a dir where a blob is required is a TypeError at construction, not at run time", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const d = directory(dir.path, { label: "my dir" });
  assert.throws(() => tasks.concat([blob("a"), d]), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(
      e.message,
      /Concat input 1 is object .* \("my dir"\), a dir, but a blob is required/,
    );
    return true;
  });
  // A one-output task standing for a dir is checked too.
  assert.throws(() => tasks.concat([tasks.sleep(d, 0)]), TypeError);
});

Deno.test("directory() throws at once when the path is not a directory", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  const file = join(dir.path, "file.txt");
  await writeFile(file, "x");
  assert.throws(() => directory(file), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /file\.txt.*not a directory/);
    return true;
  });
  assert.throws(() => directory(join(dir.path, "missing")), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /missing.*does not exist/);
    return true;
  });
});

Deno.test('load() of an object with content type "" throws a TypeError saying it has no content type', async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const r = await roundTrip(session, blob(new Uint8Array([1, 2, 3])));
  assert.equal(r.contentType, "");
  assert.equal(r.spec.contentType, "");
  assert.deepEqual(r.bytes(), new Uint8Array([1, 2, 3]));
  assert.throws(() => r.load(), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /has no content type/);
    return true;
  });
});

for (const encoding of ["json", "cbor", "msgpack"] as const satisfies Encoding[]) {
  Deno.test(`a ${encoding} value round-trips through a governor and load() decodes it`, async () => {
    await using cluster = await startCluster();
    await using session = cluster.client.newSession();
    const value = {
      name: "rain",
      numbers: [1, 2.5, -3],
      nested: { ok: true, none: null },
      text: "☔",
    };
    const obj = blob(value, { encode: encoding });
    assert.equal(obj.spec.contentType, encoding);
    const r = await roundTrip(session, obj);
    assert.equal(r.contentType, encoding);
    assert.equal(r.info.contentType, encoding);
    assert.deepEqual(r.load(), value);
  });
}

Deno.test("a text value round-trips through a governor; text() and load() give the string", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const r = await roundTrip(session, blob("héllo wörld ☔"));
  assert.equal(r.contentType, "text");
  assert.equal(r.text(), "héllo wörld ☔");
  assert.equal(r.load(), "héllo wörld ☔");
  const encoded = await roundTrip(session, blob("via encode", { encode: "text" }));
  assert.equal(encoded.contentType, "text");
  assert.equal(encoded.load(), "via encode");
});

Deno.test("text() and load() of a text-<encoding> object decode with that encoding", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in latin1
  const r = await roundTrip(session, blob(latin1, { contentType: "text-latin1" }));
  assert.equal(r.contentType, "text-latin1");
  assert.equal(r.text(), "café");
  assert.equal(r.load(), "café");
});

Deno.test("text() of a raw object decodes UTF-8", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const r = await roundTrip(session, blob(new TextEncoder().encode("ünïcode")));
  assert.equal(r.text(), "ünïcode");
});

Deno.test("content types are always strings; mime/<type> and user/<type> are accepted", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  for (
    const ct of [
      "",
      "json",
      "cbor",
      "msgpack",
      "arrow",
      "text",
      "text-utf-16le",
      "mime/image/png",
      "user/mine",
    ]
  ) {
    assert.equal(blob(new Uint8Array(), { contentType: ct }).spec.contentType, ct);
  }
  assert.equal(typeof tasks.concat([blob("x")]).output.spec.contentType, "string");
  assert.equal(tasks.concat([blob("x")]).output.spec.contentType, "");
  const r = await roundTrip(session, blob(new Uint8Array([9]), { contentType: "user/mine" }));
  assert.equal(r.contentType, "user/mine");
  assert.throws(() => r.load(), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /"user\/mine"/);
    return true;
  });
});

Deno.test("an unknown content type is a TypeError at construction", async () => {
  await using cluster = await startCluster();
  await using _session = cluster.client.newSession();
  assert.throws(() => blob("x", { contentType: "no-such-type" }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /Unknown content type "no-such-type"/);
    return true;
  });
  assert.throws(
    () => tasks.load("/etc/hostname", { contentType: "bogus" }),
    /Unknown content type "bogus"/,
  );
});

for (const ct of ["pickle", "cloudpickle"]) {
  Deno.test(`"${ct}" is a recognised content type but load() throws a clear error naming it`, async () => {
    await using cluster = await startCluster();
    await using session = cluster.client.newSession();
    const obj = blob(new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]), { contentType: ct });
    const r = await roundTrip(session, obj);
    assert.equal(r.contentType, ct);
    assert.throws(() => r.load(), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, new RegExp(`content type "${ct}"`));
      return true;
    });
  });
}

Deno.test("a load task's declared content type is the object's content type and load() uses it", async () => {
  await using dir = await tempDir();
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const path = join(dir.path, "data.json");
  await writeFile(path, JSON.stringify({ from: "file" }));
  const t = tasks.load(path, { contentType: "json" });
  assert.equal(t.output.spec.contentType, "json");
  t.output.keep();
  await session.submit();
  const r = await t.output.fetch();
  assert.equal(r.contentType, "json");
  assert.deepEqual(r.load(), { from: "file" });
});
