/**
 * The directory hash (`common/dir_hash.ts`, and `common/tar_hash.ts` for
 * archives): defined over sorted entries (path, type, mode, content hash), so
 * archives and copies of a tree hash alike, and every part of an entry counts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chmod, link, mkdir, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { packTar } from "modern-tar";
import { join } from "node:path";
import { hashDirectory } from "../../common/dir_hash.ts";
import { hashTar } from "../../common/tar_hash.ts";
import { hashBytes } from "../../common/content_hash.ts";
import { packDirectory, unpackTar } from "../../common/tar.ts";
import { xxh128 } from "../../wasm/hash.ts";
import { tempDir } from "../_util.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Makes the same small tree, creating its entries in the given order. */
async function makeTree(root: string, reverse = false): Promise<void> {
  await mkdir(join(root, "sub", "empty"), { recursive: true });
  const steps = [
    () => writeFile(join(root, "a.txt"), "12345"),
    () => writeFile(join(root, "run.sh"), "#!/bin/sh\n", { mode: 0o755 }),
    () => symlink("../a.txt", join(root, "sub", "link")),
  ];
  for (const step of reverse ? steps.reverse() : steps) await step();
}

Deno.test("hashDirectory is the XXH3-128 of the documented manifest", async () => {
  await using dir = await tempDir();
  await makeTree(dir.path);
  const h = (s: string) => xxh128(text(s));
  const manifest = [
    `f 644 ${h("12345")} a.txt\0`,
    `f 755 ${h("#!/bin/sh\n")} run.sh\0`,
    "d 755 - sub\0",
    "d 755 - sub/empty\0",
    `l 755 ${h("../a.txt")} sub/link\0`,
  ].join("");
  assert.equal(await hashDirectory(dir.path), hashBytes(text(manifest)));
});

Deno.test("hashDirectory does not depend on creation order, times, write bits or a tar round trip", async () => {
  await using dir = await tempDir();
  const a = join(dir.path, "a"), b = join(dir.path, "b"), c = join(dir.path, "c");
  await makeTree(a);
  await makeTree(b, true);
  await utimes(join(b, "a.txt"), 1, 1);
  await chmod(join(b, "a.txt"), 0o444); // stored copies are read-only
  await unpackTar(await packDirectory(a), c);
  const want = await hashDirectory(a);
  assert.equal(await hashDirectory(b), want);
  assert.equal(await hashDirectory(c), want);
});

Deno.test("hashDirectory changes with any content, name, type, executable bit or link target", async () => {
  await using dir = await tempDir();
  const base = join(dir.path, "base");
  await makeTree(base);
  const want = await hashDirectory(base);
  const variants: [string, (root: string) => Promise<unknown>][] = [
    ["content", (r) => writeFile(join(r, "a.txt"), "12346")],
    ["executable bit", (r) => chmod(join(r, "a.txt"), 0o755)],
    ["an empty directory", (r) => mkdir(join(r, "sub", "empty2"))],
    ["an empty file", (r) => writeFile(join(r, "sub", "empty", "x"), "")],
    ["a link target", async (r) => {
      await unlink(join(r, "sub", "link"));
      await symlink("../run.sh", join(r, "sub", "link"));
    }],
  ];
  for (const [what, change] of variants) {
    const root = join(dir.path, what.replaceAll(" ", "-"));
    await makeTree(root);
    await change(root);
    assert.notEqual(await hashDirectory(root), want, what);
  }
});

Deno.test("an absolute symlink inside the tree hashes like its relative equivalent", async () => {
  await using dir = await tempDir();
  const a = join(dir.path, "a"), b = join(dir.path, "b");
  for (const root of [a, b]) {
    await mkdir(join(root, "sub"), { recursive: true });
    await writeFile(join(root, "x"), "1");
  }
  await symlink("../x", join(a, "sub", "l"));
  await symlink(join(b, "x"), join(b, "sub", "l"));
  assert.equal(await hashDirectory(b), await hashDirectory(a));
});

Deno.test("hashTar of a directory's archive equals hashDirectory of the directory", async () => {
  await using dir = await tempDir();
  const root = join(dir.path, "t");
  await makeTree(root);
  await writeFile(join(root, "sub", "empty", "big.bin"), new Uint8Array(300_000).fill(7));
  await link(join(root, "a.txt"), join(root, "sub", "hard.txt")); // a hard-link entry in the tar
  assert.equal(await hashTar(await packDirectory(root)), await hashDirectory(root));
  // An archive without entries for parent directories, and with a leading "./".
  const bare = await packTar([
    { header: { name: "./x/y/z.txt", size: 1, type: "file", mode: 0o644 }, body: "z" },
  ]);
  const extracted = join(dir.path, "bare");
  await unpackTar(bare, extracted);
  assert.equal(await hashTar(bare), await hashDirectory(extracted));
});
