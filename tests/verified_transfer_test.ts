/**
 * Verified transfers (README, "Verified transfers"): governors and clients
 * check the bytes they fetch against the object's content hash; a corrupt
 * copy is dropped and the object fetched from elsewhere or recomputed. Each
 * test corrupts a governor's stored file on disk, as a failing disk would.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, type DataObject, directory, InputDir, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { fetchObjectBytes, ObjectHashError } from "../protocol/data_plane.ts";
import { startCluster } from "./_cluster.ts";
import { dataToken, tempDir } from "./_util.ts";

const MiB = 1024 * 1024;

/** Deterministic bytes that are not all alike. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function concatenated(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Flips bytes in the middle of an object's file in a governor's store; the size stays. */
async function corrupt(workDir: string, o: DataObject): Promise<void> {
  const path = join(workDir, "objects", `${o.spec.id[0]}-${o.spec.id[1]}`);
  await chmod(path, 0o644); // the store makes it read-only
  const file = await open(path, "r+");
  try {
    await file.write(new Uint8Array([1, 2, 3, 4]), 0, 4, MiB);
  } finally {
    await file.close();
  }
}

Deno.test("a client fetching a corrupt copy gets the object recomputed, not the corrupt bytes", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const data = pattern(3 * MiB);
  const t = tasks.concat([blob(data), blob("!")]); // 3 MiB: stored as a file
  t.output.keep();
  await session.submit();
  await t.output.wait();
  await corrupt(cluster.governors[0]!.workDir, t.output);
  const r = await t.output.fetch();
  assert.deepEqual(r.bytes(), concatenated(data, new TextEncoder().encode("!")));
  assert.equal(r.info.hash, t.output.info!.hash);
});

Deno.test("a governor fetching a corrupt input drops it and runs the task on a recomputed copy", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const data = pattern(3 * MiB);
  const p = tasks.concat([blob(data), blob("x")]);
  p.output.keep();
  await session.submit();
  await p.output.wait();
  await corrupt(cluster.governors[0]!.workDir, p.output);
  // A second governor, the only one with 2 cpus: the consumer runs there and fetches p.
  const second = await startGovernor({ server: cluster.address, token: cluster.token, cpus: 2 });
  try {
    const c = tasks.concat([p, blob("!")], { cpus: 2 });
    c.output.keep();
    await session.submit();
    const r = await c.output.fetch();
    await c.update();
    assert.equal(c.info!.governor, second.id);
    assert.deepEqual(r.bytes(), concatenated(data, new TextEncoder().encode("x!")));
  } finally {
    await second.close();
  }
});

Deno.test("a directory fetched by another governor is checked too: a corrupt file in it is caught", async () => {
  await using cluster = await startCluster({ governors: [1] });
  await using session = cluster.client.newSession();
  const made = tasks.makeDirectory([["a/x.bin", blob(pattern(300_000))], ["b.txt", blob("b")]]);
  made.output.keep();
  await session.submit();
  await made.output.wait();
  const id = made.output.spec.id;
  const file = join(cluster.governors[0]!.workDir, "objects", `${id[0]}-${id[1]}`, "a", "x.bin");
  await chmod(file, 0o644);
  await writeFile(file, pattern(300_001)); // a file in the stored tree, changed
  const second = await startGovernor({ server: cluster.address, token: cluster.token, cpus: 2 });
  try {
    const t = tasks.execute(["cat", "d/a/x.bin"], {
      stdout: true,
      inputPaths: [new InputDir("d", { path: "d", dataobj: made.output })],
      cpus: 2,
    });
    t.output.keep();
    await session.submit();
    assert.deepEqual((await t.output.fetch()).bytes(), pattern(300_000));
  } finally {
    await second.close();
  }
});

Deno.test("fetchObjectBytes checks a blob's bytes and a dir's archive against the hash, naming the object", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  await using tmp = await tempDir();
  await writeFile(join(tmp.path, "f.txt"), "file");
  const b = tasks.sleep(blob("Hello world!"), 0);
  const d = tasks.sleep(directory(tmp.path), 0);
  b.output.keep();
  d.output.keep();
  await session.submit();
  await session.wait([b.output, d.output]);
  const gov = cluster.governors[0]!.id;
  const wrong = "xxh128:00000000000000000000000000000000";
  const access = { token: await dataToken(cluster), tls: false };
  for (const o of [b.output, d.output]) {
    const bytes = await fetchObjectBytes(gov, o.spec.id, access, o.info!.hash);
    assert.ok(bytes.length > 0);
    await assert.rejects(fetchObjectBytes(gov, o.spec.id, access, wrong), (e: Error) => {
      assert.ok(e instanceof ObjectHashError);
      assert.equal(
        e.message,
        `Object ${o.spec.id.join("/")} from governor ${gov} does not match its hash: ` +
          `expected ${wrong}, got ${o.info!.hash}`,
      );
      return true;
    });
  }
});
