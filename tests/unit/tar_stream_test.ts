/**
 * Tar archives as streams (`packDirectoryStream`, `unpackTarStream` of
 * `common/tar.ts`): a directory goes through in bounded memory and comes out
 * the same, and the checks of `unpackTar` hold for streamed archives too.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { packTar } from "modern-tar";
import { packDirectory, packDirectoryStream, unpackTarStream } from "../../common/tar.ts";
import { hashDirectory } from "../../common/dir_hash.ts";
import { tempDir } from "../_util.ts";

function streamOf(bytes: Uint8Array, chunk = 1000): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at += chunk));
    },
  });
}

Deno.test("a directory packed and unpacked as streams comes out the same", async () => {
  await using dir = await tempDir();
  const src = join(dir.path, "src"), dst = join(dir.path, "dst");
  await mkdir(join(src, "sub", "deep"), { recursive: true });
  await writeFile(join(src, "a.txt"), "12345");
  await writeFile(join(src, "sub", "deep", "big.bin"), new Uint8Array(3_000_000).fill(9));
  await symlink("../a.txt", join(src, "sub", "link"));
  const chunks: Uint8Array[] = [];
  for await (const c of await packDirectoryStream(src)) chunks.push(c);
  assert.deepEqual(
    new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()),
    await packDirectory(src),
    "the stream is packDirectory's archive",
  );
  await unpackTarStream(await packDirectoryStream(src), dst);
  assert.equal(await hashDirectory(dst), await hashDirectory(src));
  assert.equal(await readFile(join(dst, "sub", "link"), "utf8"), "12345");
});

Deno.test("unpackTarStream refuses what unpackTar refuses, naming the entry", async () => {
  await using dir = await tempDir();
  const cases: [Parameters<typeof packTar>[0], RegExp][] = [
    [[{ header: { name: "../evil", size: 1, type: "file" }, body: "x" }], /\.\.\/evil/],
    [[{ header: { name: "l", size: 0, type: "symlink", linkname: "/etc/passwd" } }], /"l"/],
    [
      [
        { header: { name: "x", size: 1, type: "file" }, body: "1" },
        { header: { name: "x", size: 1, type: "file" }, body: "2" },
      ],
      /"x" appears more than once/,
    ],
  ];
  for (const [i, [entries, message]] of cases.entries()) {
    const dest = join(dir.path, `d${i}`);
    await assert.rejects(unpackTarStream(streamOf(await packTar(entries)), dest), message);
  }
});
