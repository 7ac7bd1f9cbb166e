/**
 * The object data plane (`protocol/data_plane.ts`): the URL, the headers and
 * the fetch client that clients, governors and tests share, against a real
 * governor's data server.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, directory, tasks } from "../mod.ts";
import {
  fetchObjectBytes,
  ObjectFetchError,
  objectHeaders,
  objectUrl,
  openObject,
  parseObjectId,
  readObjectHeaders,
} from "../protocol/data_plane.ts";
import { hashBytes } from "../common/content_hash.ts";
import { startCluster } from "./_cluster.ts";
import { barrier, dataToken, tempDir } from "./_util.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

Deno.test("objectHeaders and readObjectHeaders round-trip a blob's and a dir's meta", () => {
  const hash = "xxh128:0123456789abcdef0123456789abcdef";
  const blobMeta = { contentType: "text", dataType: "blob", size: 12, hash } as const;
  assert.deepEqual(readObjectHeaders(new Headers(objectHeaders(blobMeta))), blobMeta);
  const dir = readObjectHeaders(new Headers(objectHeaders({ ...blobMeta, dataType: "dir" })));
  assert.equal(dir.dataType, "dir");
  assert.equal(dir.contentType, "text");
  assert.equal(dir.hash, hash);
  assert.ok(Number.isNaN(dir.size), "a dir's response has no length");
});

Deno.test("objectUrl and parseObjectId agree on the path; parseObjectId refuses non-numbers", () => {
  const url = new URL(objectUrl("127.0.0.1:4000", [3, 17]));
  assert.equal(url.host, "127.0.0.1:4000");
  const [, , session, n] = url.pathname.split("/");
  assert.deepEqual(parseObjectId(session!, n!), [3, 17]);
  assert.equal(parseObjectId("3", "-1"), null);
  assert.equal(parseObjectId("x", "1"), null);
});

Deno.test("a governor serves a kept blob and a kept dir through the data plane", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await using tmp = await tempDir();
  await writeFile(join(tmp.path, "f.txt"), "file");
  const t = tasks.sleep(blob("Hello world!", { contentType: "text" }), 0);
  t.output.keep();
  const d = tasks.sleep(directory(tmp.path), 0);
  d.output.keep();
  await session.submit();
  await session.wait([t, d]);
  const gov = cluster.governors[0]!.id;
  const access = { token: await dataToken(cluster), tls: false };
  const opened = await openObject(gov, t.output.spec.id, access);
  assert.equal(opened.dataType, "blob");
  assert.equal(opened.contentType, "text");
  assert.equal(opened.size, 12);
  assert.equal(opened.hash, hashBytes(new TextEncoder().encode("Hello world!")));
  assert.equal(await opened.response.text(), "Hello world!");
  const dir = await openObject(gov, d.output.spec.id, access);
  assert.equal(dir.dataType, "dir");
  assert.ok((await dir.response.arrayBuffer()).byteLength > 0, "a dir travels as a tar archive");
  assert.deepEqual(
    await fetchObjectBytes(gov, t.output.spec.id, access),
    new TextEncoder().encode("Hello world!"),
  );
});

Deno.test("fetching an object the governor does not hold names the object, the governor and the status", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await barrier(session);
  const gov = cluster.governors[0]!.id;
  const access = { token: await dataToken(cluster), tls: false };
  await assert.rejects(fetchObjectBytes(gov, [session.id, 999], access), (e: Error) => {
    assert.ok(e instanceof ObjectFetchError);
    assert.equal(
      e.message,
      `Cannot fetch object ${session.id}/999 from governor ${gov}: HTTP 404`,
    );
    return true;
  });
  // A port nobody listens on: the governor cannot be reached.
  await assert.rejects(
    openObject("127.0.0.1:1", [1, 2], access),
    /Cannot fetch object 1\/2 from governor 127\.0\.0\.1:1: /,
  );
});
