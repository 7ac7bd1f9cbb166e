import assert from "node:assert/strict";
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packTar, type TarEntry, unpackTar as readTar } from "modern-tar";
import { directorySize, packDirectory, unpackTar } from "../../common/tar.ts";

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTemp(fn: (base: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), "rain-tar-"));
  try {
    await fn(base);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** Whether a path exists, without following a last symlink. */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Describes a tree: relative path -> "dir", "file:<content>" or "link:<target>". */
async function describe(dir: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (
    const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    const path = join(dir, entry.name);
    const rel = prefix + entry.name;
    if (entry.isSymbolicLink()) out[rel] = `link:${await readlink(path)}`;
    else if (entry.isDirectory()) {
      out[rel] = "dir";
      Object.assign(out, await describe(path, rel + "/"));
    } else out[rel] = `file:${Array.from(await readFile(path)).join(",")}`;
  }
  return out;
}

/** Makes a sample tree in `dir`. */
async function makeTree(dir: string): Promise<void> {
  await mkdir(join(dir, "sub", "deeper"), { recursive: true });
  await mkdir(join(dir, "empty"));
  await writeFile(join(dir, "a.txt"), "hello");
  await writeFile(join(dir, "empty.bin"), new Uint8Array(0));
  await writeFile(join(dir, "sub", "b.bin"), new Uint8Array([0, 1, 2, 255, 254]));
  const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
  await writeFile(join(dir, "sub", "deeper", "big.bin"), big);
  await symlink("../a.txt", join(dir, "sub", "to-a"));
  await symlink("sub/deeper", join(dir, "to-deeper"));
  await symlink("missing", join(dir, "dangling"));
}

/** Packs entries with modern-tar's own packer. */
function archive(entries: TarEntry[]): Promise<Uint8Array> {
  return packTar(entries);
}

const file = (name: string, body = "x", extra: Partial<TarEntry["header"]> = {}): TarEntry => ({
  header: { name, size: new TextEncoder().encode(body).length, type: "file", ...extra },
  body,
});
const symlinkEntry = (name: string, linkname: string): TarEntry => ({
  header: { name, size: 0, type: "symlink", linkname },
});

Deno.test("packDirectory() and unpackTar() round-trip a tree", async () => {
  await withTemp(async (base) => {
    const src = join(base, "src");
    const dest = join(base, "out", "dest");
    await mkdir(src);
    await makeTree(src);
    await chmod(join(src, "a.txt"), 0o640);
    const bytes = await packDirectory(src);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length % 512, 0);

    const names = (await readTar(bytes)).map((e) => e.header.name).sort();
    assert.deepEqual(names, [
      "a.txt",
      "dangling",
      "empty.bin",
      "empty/",
      "sub/",
      "sub/b.bin",
      "sub/deeper/",
      "sub/deeper/big.bin",
      "sub/to-a",
      "to-deeper",
    ]);

    await unpackTar(bytes, dest);
    assert.deepEqual(await describe(dest), await describe(src));
    assert.equal((await stat(join(dest, "a.txt"))).mode & 0o777, 0o640);
    assert.equal(await readFile(join(dest, "sub", "to-a"), "utf8"), "hello");
  });
});

Deno.test("packDirectory() keeps hard links and packs an empty directory", async () => {
  await withTemp(async (base) => {
    const src = join(base, "src");
    await mkdir(src);
    assert.deepEqual(await readTar(await packDirectory(src)), []);
    await writeFile(join(src, "one"), "same");
    await link(join(src, "one"), join(src, "two"));
    const bytes = await packDirectory(src);
    const types = (await readTar(bytes)).map((e) => e.header.type).sort();
    assert.deepEqual(types, ["file", "link"]);
    const dest = join(base, "dest");
    await unpackTar(bytes, dest);
    assert.equal(await readFile(join(dest, "two"), "utf8"), "same");
    assert.equal((await stat(join(dest, "one"))).ino, (await stat(join(dest, "two"))).ino);
  });
});

Deno.test("packDirectory() refuses symlinks that leave the directory", async () => {
  await withTemp(async (base) => {
    const src = join(base, "src");
    await mkdir(join(src, "sub"), { recursive: true });
    await symlink("../../x", join(src, "sub", "out"));
    await assert.rejects(packDirectory(src), {
      message: `Cannot pack "${src}": symlink "sub/out" -> "../../x" points outside the directory`,
    });
    await rm(join(src, "sub", "out"));
    await symlink("/etc", join(src, "etc"));
    await assert.rejects(packDirectory(src), /symlink "etc" -> "\/etc" points outside/);
    await assert.rejects(packDirectory(join(base, "nope")), { code: "ENOENT" });
    await writeFile(join(base, "plain"), "x");
    await assert.rejects(packDirectory(join(base, "plain")), /not a directory/);
  });
});

Deno.test("packDirectory() rewrites absolute symlinks that point inside", async () => {
  await withTemp(async (base) => {
    const src = join(base, "src");
    await mkdir(join(src, "sub"), { recursive: true });
    await writeFile(join(src, "a.txt"), "hello");
    await symlink(join(src, "a.txt"), join(src, "sub", "abs-a"));
    await symlink(src, join(src, "sub", "abs-root"));
    const headers = (await readTar(await packDirectory(src))).map((e) => e.header);
    const links = Object.fromEntries(
      headers.filter((h) => h.type === "symlink").map((h) => [h.name, h.linkname]),
    );
    assert.deepEqual(links, { "sub/abs-a": "../a.txt", "sub/abs-root": ".." });
    const dest = join(base, "dest");
    await unpackTar(await packDirectory(src), dest);
    assert.equal(await readFile(join(dest, "sub", "abs-a"), "utf8"), "hello");
  });
});

Deno.test("unpackTar() restores read-only directories", async () => {
  await withTemp(async (base) => {
    const bytes = await archive([
      { header: { name: "ro/", type: "directory", size: 0, mode: 0o555 } },
      file("ro/f", "data", { mode: 0o444 }),
    ]);
    const dest = join(base, "dest");
    await unpackTar(bytes, dest);
    assert.equal((await stat(join(dest, "ro"))).mode & 0o777, 0o555);
    assert.equal((await stat(join(dest, "ro", "f"))).mode & 0o777, 0o444);
    assert.equal(await readFile(join(dest, "ro", "f"), "utf8"), "data");
    await chmod(join(dest, "ro"), 0o755);
  });
});

Deno.test("unpackTar() accepts ./ entries and symlinked directories inside", async () => {
  await withTemp(async (base) => {
    const bytes = await archive([
      { header: { name: "./", type: "directory", size: 0 } },
      { header: { name: "./sub/", type: "directory", size: 0 } },
      { header: { name: "sub", type: "directory", size: 0 } },
      file("./sub/f", "in sub"),
      symlinkEntry("d", "sub"),
      file("d/g", "through d"),
    ]);
    const dest = join(base, "dest");
    await unpackTar(bytes, dest);
    assert.deepEqual(await describe(dest), {
      d: "link:sub",
      sub: "dir",
      "sub/f": `file:${Array.from(new TextEncoder().encode("in sub")).join(",")}`,
      "sub/g": `file:${Array.from(new TextEncoder().encode("through d")).join(",")}`,
    });
  });
});

Deno.test("unpackTar() refuses malicious archives and writes nothing outside", async () => {
  const marker = `rain-tar-test-${crypto.randomUUID()}`;
  const cases: [string, TarEntry[], RegExp][] = [
    ["dotdot", [file("ok"), file("../evil")], /^Tar entry "\.\.\/evil" leaves the directory$/],
    ["nested dotdot", [file("a/../../evil")], /leaves the directory/],
    ["backslash", [file("..\\evil")], /leaves the directory/],
    ["absolute", [file("/abs")], /^Tar entry "\/abs" is absolute$/],
    ["absolute etc", [file(`/tmp/${marker}`)], /is absolute/],
    ["pax path", [file("innocent", "x", { pax: { path: "../evil" } })], /"\.\.\/evil" leaves/],
    [
      "symlink to /etc",
      [symlinkEntry("link", "/etc"), file(`link/${marker}`)],
      /^Symlink "link" -> "\/etc" points outside the directory$/,
    ],
    [
      "symlink up",
      [symlinkEntry("link", "../outside"), file("link/evil")],
      /^Symlink "link" -> "\.\.\/outside" points outside the directory$/,
    ],
    ["symlink deep", [symlinkEntry("a/b/link", "../../../evil")], /points outside/],
    [
      // Lexically `a/b -> ../evil` is `evil`, but `a` is a symlink to `.`.
      "symlink through symlink",
      [symlinkEntry("a", "."), symlinkEntry("a/b", "../evil"), file("a/b/x")],
      /points outside the extraction directory/,
    ],
    [
      "hard link out",
      [{ header: { name: "h", size: 0, type: "link", linkname: "../../etc/passwd" } }],
      /^Hard link "h" -> "\.\.\/\.\.\/etc\/passwd" points outside the directory$/,
    ],
    [
      "hard link absolute",
      [{ header: { name: "h", size: 0, type: "link", linkname: "/etc/passwd" } }],
      /Hard link "h" -> "\/etc\/passwd" points outside/,
    ],
    [
      "fifo",
      [{ header: { name: "p", size: 0, type: "fifo" } }],
      /^Tar entry "p" is a fifo, which cannot be extracted$/,
    ],
    [
      "char device",
      [{ header: { name: "null", size: 0, type: "character-device" } }],
      /is a character-device/,
    ],
    ["block device", [{ header: { name: "sda", size: 0, type: "block-device" } }], /block-device/],
    ["empty symlink", [symlinkEntry("l", "")], /invalid target/],
    ["duplicate", [file("a", "1"), file("./a", "2")], /^Tar entry "\.\/a" appears more than once$/],
    [
      "file over directory",
      [{ header: { name: "a/", type: "directory", size: 0 } }, file("a")],
      /^Tar entry "a" appears more than once$/,
    ],
  ];
  for (const [label, entries, message] of cases) {
    await withTemp(async (base) => {
      const dest = join(base, "dest");
      await assert.rejects(unpackTar(await archive(entries), dest), { message }, label);
      // Nothing outside dest, and nothing written in dest before the check.
      assert.deepEqual(await readdir(base), (await exists(dest)) ? ["dest"] : [], label);
      assert.equal(await exists(join(base, "evil")), false, label);
      assert.equal(await exists(join(base, "outside")), false, label);
      assert.equal(await exists(join("/etc", marker)), false, label);
      assert.equal(await exists(join("/tmp", marker)), false, label);
      if (label !== "symlink through symlink") {
        assert.equal(await exists(dest) && (await readdir(dest)).length > 0, false, label);
      }
    });
  }
});

Deno.test("unpackTar() refuses truncated and corrupt archives", async () => {
  await withTemp(async (base) => {
    const bytes = await archive([file("a", "x".repeat(2000))]);
    await assert.rejects(unpackTar(bytes.slice(0, 1024), join(base, "t")), /truncated/);
    const corrupt = bytes.slice();
    corrupt[0]! ^= 1;
    await assert.rejects(unpackTar(corrupt, join(base, "c")), /checksum/);
  });
});

Deno.test("directorySize() sums file sizes", async () => {
  await withTemp(async (base) => {
    assert.equal(await directorySize(base), 0);
    await makeTree(base);
    assert.equal(await directorySize(base), 5 + 0 + 5 + 100_000);
    await assert.rejects(directorySize(join(base, "missing")), { code: "ENOENT" });
  });
});
