/**
 * Every object carries its content hash (`info.hash`, README "Content
 * hashes"): constants, built-in outputs in memory and on disk, program
 * outputs, remote-function results, forwarded objects and directories, each
 * equal to the XXH3-128 of its bytes (or of its directory manifest), however
 * it was made.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blob, type DataInstance, directory, remote, tasks } from "../mod.ts";
import { hashBytes, isContentHash } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";
import { startCluster } from "./_cluster.ts";
import { tempDir } from "./_util.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Deterministic bytes that are not all alike. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

Deno.test("a constant, a concat output and a forwarded object carry the hash of their bytes", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession();
  const a = blob("abc");
  const c = tasks.concat([a, blob("def")]);
  const s = tasks.sleep(c, 0);
  for (const o of [a, c.output, s.output]) o.keep();
  await session.submit();
  const [ra, rc, rs] = await Promise.all([a.fetch(), c.output.fetch(), s.output.fetch()]);
  // xxHash's XXH3-128 of "abc", as `xxhsum -H2` prints it.
  assert.equal(ra.info.hash, "xxh128:06b05ab6733a618578af5f94892f3950");
  assert.equal(a.info!.hash, ra.info.hash);
  assert.equal(rc.info.hash, hashBytes(text("abcdef")));
  assert.equal(rs.info.hash, rc.info.hash);
});

Deno.test("large outputs on disk, program outputs and remote results carry the hash of their bytes", async () => {
  await using cluster = await startCluster();
  await using dir = await tempDir();
  await using session = cluster.client.newSession();
  const data = pattern(3 * 1024 * 1024 + 5);
  const file = join(dir.path, "big.bin");
  await writeFile(file, data);
  const loaded = tasks.load(file); // > 1 MiB: copied into the store as a file
  const catted = tasks.execute(["cat", blob(data)], { stdout: true });
  const reversed = remote((_ctx, d: DataInstance) => new Uint8Array(d.bytes()).reverse())(loaded);
  const seen = remote((_ctx, d: DataInstance) => d.info.hash)(blob("abc"));
  for (const t of [loaded, catted, reversed, seen]) t.output.keep();
  await session.submit();
  const want = hashBytes(data);
  assert.equal((await loaded.output.fetch()).info.hash, want);
  assert.equal((await catted.output.fetch()).info.hash, want);
  const r = await reversed.output.fetch();
  assert.equal(r.info.hash, hashBytes(new Uint8Array(data).reverse()));
  assert.equal(r.info.hash, hashBytes(r.bytes()));
  // A remote function sees its inputs' hashes (this one came inline from the server).
  assert.equal((await seen.output.fetch()).text(), "xxh128:06b05ab6733a618578af5f94892f3950");
});

Deno.test("a directory's hash depends on its entries only, however the directory was made", async () => {
  await using cluster = await startCluster();
  await using dir = await tempDir();
  await using session = cluster.client.newSession();
  await mkdir(join(dir.path, "tree", "sub"), { recursive: true });
  await writeFile(join(dir.path, "tree", "a.txt"), "12345");
  await writeFile(join(dir.path, "tree", "sub", "b.txt"), "67890");
  const tree = join(dir.path, "tree");
  const fromClient = directory(tree); // read as tar on the client, unpacked on a governor
  const loaded = tasks.loadDir(tree); // copied on the governor
  const made = tasks.makeDirectory([["sub/b.txt", blob("67890")], ["a.txt", blob("12345")]]);
  const sliced = tasks.sliceDirectory(made, "sub/");
  const other = tasks.makeDirectory([["a.txt", blob("12345")], ["sub/b.txt", blob("6789!")]]);
  await session.submit();
  const objects = [fromClient, loaded.output, made.output, sliced.output, other.output];
  await session.wait(objects);
  const want = await hashDirectory(tree);
  assert.ok(isContentHash(want), want);
  assert.deepEqual(objects.slice(0, 3).map((o) => o.info!.hash), [want, want, want]);
  assert.equal(sliced.output.info!.hash, await hashDirectory(join(tree, "sub")));
  assert.notEqual(other.output.info!.hash, want);
});
