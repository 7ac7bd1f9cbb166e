/**
 * Constants of any size, sent once (README, "Large constants"): large
 * `blob()`s and `directory()` trees stream to a governor instead of riding
 * in the submit, and data a governor already holds is not sent again, for
 * any later submit, session or client.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, mkdir, open, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, Client, directory, SessionFailedError, tasks } from "../mod.ts";
import { hashBytes } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";
import { uploadContent } from "../protocol/content_upload.ts";
import { startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { startCluster } from "./_cluster.ts";
import { dataToken, tempDir, until } from "./_util.ts";

const MiB = 1024 * 1024;

/** Deterministic bytes that are not all alike. */
function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  const words = new Uint32Array(b.buffer, 0, n >>> 2);
  let x = seed;
  for (let i = 0; i < words.length; i++) words[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return b;
}

Deno.test("a blob() of 128 MiB is submitted, used by a task and fetched back", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = pattern(128 * MiB);
  const big = blob(data);
  big.keep();
  const tail = tasks.execute(["tail", "-c", "8", big], { stdout: true });
  tail.output.keep();
  await session.submit();
  assert.deepEqual((await tail.output.fetch()).bytes(), data.subarray(data.length - 8));
  const back = await big.fetch();
  assert.equal(back.bytes().length, data.length);
  // Compared by hash: a byte loop over 128 MiB would stall the in-process governor's heartbeats.
  assert.equal(hashBytes(back.bytes()), hashBytes(data));
  assert.equal(back.info.hash, hashBytes(data));
  const { contents } = await cluster.client.serverInfo();
  assert.equal(contents.uploads, 1);
  assert.equal(contents.bytes, 128 * MiB);
});

Deno.test("a directory() larger than a submit frame is submitted and sliced", async () => {
  await using cluster = await startCluster();
  await using tmp = await tempDir();
  await using session = cluster.client.newSession();
  const tree = join(tmp.path, "tree");
  await mkdir(join(tree, "small"), { recursive: true });
  for (let i = 0; i < 3; i++) await writeFile(join(tree, `big${i}.bin`), pattern(24 * MiB, i + 2));
  for (let i = 0; i < 100; i++) await writeFile(join(tree, "small", `${i}.txt`), `file ${i}`);
  const d = directory(tree);
  const slice = tasks.sliceDirectory(d, "big2.bin");
  const small = tasks.sliceDirectory(d, "small/42.txt");
  slice.output.keep();
  small.output.keep();
  await session.submit();
  assert.equal((await small.output.fetch()).text(), "file 42");
  assert.equal((await slice.output.fetch()).info.hash, hashBytes(pattern(24 * MiB, 4)));
  await d.update();
  assert.equal(d.info!.hash, await hashDirectory(tree));
});

Deno.test("the same constants submitted again, by another client, are not sent again", async () => {
  await using cluster = await startCluster();
  await using tmp = await tempDir();
  const data = pattern(8 * MiB, 9);
  await writeFile(join(tmp.path, "f.bin"), pattern(3 * MiB, 10));
  const first = async (client: Client) => {
    await using session = client.newSession();
    const b = blob(data);
    const d = directory(tmp.path);
    const t = tasks.concat([b, tasks.sliceDirectory(d, "f.bin")]);
    t.output.keep();
    await session.submit();
    assert.equal((await t.output.fetch()).bytes().length, 11 * MiB);
    await session.wait([b, d]);
    return { debug: [b.info!.debug, d.info!.debug], ids: [b.spec.id, d.spec.id] };
  };
  const uploaded = await first(cluster.client);
  assert.match(uploaded.debug[0]!, /^Data (uploaded to|held by) governor /);
  const other = await Client.connect(cluster.address);
  let again;
  try {
    again = await first(other);
    for (const debug of again.debug) {
      assert.match(
        debug,
        /^Data held by governor \S+: it was there already, so it was not sent again$/,
      );
    }
  } finally {
    await other.close();
  }
  const { contents } = await cluster.client.serverInfo();
  assert.equal(contents.uploads, 2, "the blob and the directory, once each");
  assert.equal(contents.hits, 2);
  assert.equal(contents.bytesNotSent, 11 * MiB);
  // The event log has each upload and each hit, naming the data and the constant.
  const hashes = [hashBytes(data), await hashDirectory(tmp.path)];
  const r = await fetch(`http://${cluster.address}/api/events`, {
    headers: { authorization: `Bearer ${cluster.token}` },
  });
  const { events } = await r.json() as { events: Record<string, unknown>[] };
  const content = events.filter((e) => String(e.type).startsWith("content:"));
  const governors = cluster.governors.map((g) => g.id);
  const uploads = content.filter((e) => e.type === "content:uploaded");
  assert.ok(uploads.every((e) => governors.includes(e.governor as string)), "known governors");
  assert.deepEqual(
    uploads.map((e) => [e.hash, e.dataType]).sort(),
    [[hashes[0], "blob"], [hashes[1], "dir"]].sort(),
  );
  assert.deepEqual(
    content.filter((e) => e.type === "content:hit").map((e) => [e.session, e.object, e.hash]),
    again.ids.map(([session, object], i) => [session, object, hashes[i]]),
  );
  assert.equal(content.find((e) => e.type === "content:hit")!.size, 8 * MiB);
});

Deno.test("an uploaded constant, not kept, is used again by a later submit of its session", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = pattern(2 * MiB, 11);
  const big = blob(data);
  const first = tasks.execute(["tail", "-c", "4", big], { stdout: true });
  first.output.keep();
  await session.submit();
  assert.deepEqual((await first.output.fetch()).bytes(), data.subarray(data.length - 4));
  await big.update();
  assert.equal(big.state, "removed", "freed once its task finished");
  const again = tasks.execute(["head", "-c", "4", big], { stdout: true });
  again.output.keep();
  await session.submit();
  assert.deepEqual((await again.output.fetch()).bytes(), data.subarray(0, 4));
  assert.equal((await cluster.client.serverInfo()).contents.uploads, 1, "not sent again");
});

Deno.test("a governor refuses an upload whose bytes do not match its hash", async () => {
  await using cluster = await startCluster();
  const wrong = hashBytes(new TextEncoder().encode("something else"));
  const body = new Blob([new TextEncoder().encode("these bytes")]).stream();
  await assert.rejects(
    uploadContent(cluster.governors[0]!.id, wrong, "blob", body, {
      token: await dataToken(cluster),
      tls: false,
    }),
    new RegExp(`Cannot upload ${wrong} to governor .*: Uploaded data does not match its hash`),
  );
  assert.equal((await cluster.client.serverInfo()).contents.uploads, 0);
});

Deno.test("a governor refuses an upload without the data secret, or with a wrong one", async () => {
  await using cluster = await startCluster();
  const data = new TextEncoder().encode("these bytes");
  const hash = hashBytes(data);
  const gov = cluster.governors[0]!.id;
  for (
    const [token, reason] of [[undefined, "no data token"], ["x".repeat(43), "wrong data token"]]
  ) {
    await assert.rejects(
      uploadContent(gov, hash, "blob", new Blob([data]).stream(), { token, tls: false }),
      new RegExp(`Cannot upload ${hash} to governor ${gov}: Unauthorized: ${reason}`),
    );
  }
  assert.equal((await cluster.client.serverInfo()).contents.uploads, 0);
});

Deno.test("a corrupt copy of an uploaded constant fails the fetch, naming the object", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = pattern(2 * MiB, 5);
  const b = blob(data);
  b.keep();
  await session.submit();
  const hex = hashBytes(data).slice("xxh128:".length);
  const path = join(cluster.governors[0]!.workDir, "contents", `blob-${hex}`);
  await chmod(path, 0o644);
  const file = await open(path, "r+");
  await file.write(new Uint8Array([1, 2, 3]), 0, 3, 1000);
  await file.close();
  const id = b.spec.id.join("/");
  await assert.rejects(b.fetch(), (e: Error) => {
    assert.ok(e instanceof SessionFailedError, String(e));
    assert.match(
      e.message,
      new RegExp(
        `^Object ${id} was corrupt on governor \\S+ \\(Object ${id} from governor \\S+ ` +
          `does not match its hash: expected xxh128:${hex}, got xxh128:[0-9a-f]{32}\\) ` +
          "and has no producer to recompute it$",
      ),
    );
    return true;
  });
});

Deno.test("uploaded data nobody uses is dropped after the retention time, then sent again", async () => {
  const server = await startServer({ port: 0, contentRetentionMs: 200 });
  const address = `127.0.0.1:${server.port}`;
  const token = server.token!;
  const governor = await startGovernor({ server: address, token, cpus: 1 });
  const client = await Client.connect(address, { token });
  try {
    const data = pattern(2 * MiB, 7);
    const path = join(governor.workDir, "contents", `blob-${hashBytes(data).slice(7)}`);
    const submit = async () => {
      await using session = client.newSession();
      const t = tasks.concat([blob(data)]);
      await session.submit();
      await t.wait();
    };
    await submit();
    assert.ok((await stat(path)).isFile());
    await until(() => stat(path).then(() => false, () => true), "the content to be dropped", 5000);
    await submit();
    assert.equal((await client.serverInfo()).contents.uploads, 2);
  } finally {
    await client.close();
    await governor.close();
    await server.close();
  }
});
