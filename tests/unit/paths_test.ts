import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkInside, checkRelativePath, isDirPath } from "../../common/paths.ts";

Deno.test("checkRelativePath() normalises relative paths", () => {
  assert.equal(checkRelativePath("a.txt", "path"), "a.txt");
  assert.equal(checkRelativePath("./out//log.txt", "path"), "out/log.txt");
  assert.equal(checkRelativePath("a/b/../c", "path"), "a/c");
  assert.equal(checkRelativePath("repo/", "path"), "repo/");
  assert.equal(checkRelativePath("a/./", "path"), "a/");
  assert.equal(checkRelativePath("a//b//", "path"), "a/b/");
  assert.equal(checkRelativePath("..a/b..", "path"), "..a/b..");
  assert.equal(checkRelativePath("a b/$x\\y", "path"), "a b/$x\\y");
});

Deno.test("checkRelativePath() throws on unsafe paths", () => {
  const cases: [string, RegExp][] = [
    ["", /^Output path "" is empty$/],
    ["/etc/passwd", /^Output path "\/etc\/passwd" is absolute$/],
    ["//x", /is absolute/],
    ["..", /^Output path "\.\." leaves the directory$/],
    ["../x", /^Output path "\.\.\/x" leaves the directory$/],
    ["a/../../x", /leaves the directory/],
    ["./..", /leaves the directory/],
    ["a\0b", /^Output path "a\\u0000b" contains a NUL character$/],
    [".", /^Output path "\." names the directory itself$/],
    ["./", /names the directory itself/],
    ["a/..", /names the directory itself/],
  ];
  for (const [path, message] of cases) {
    assert.throws(() => checkRelativePath(path, "output path"), { name: "TypeError", message });
  }
  assert.throws(
    () => checkRelativePath(3 as unknown as string, "path"),
    { name: "TypeError", message: "Path must be a string, got number" },
  );
});

Deno.test("isDirPath() tells a trailing slash", () => {
  assert.equal(isDirPath("repo/"), true);
  assert.equal(isDirPath("a/repo"), false);
  assert.equal(isDirPath(checkRelativePath("repo/./", "path")), true);
});

Deno.test("checkInside() follows symlinks", async () => {
  const base = await mkdtemp(join(tmpdir(), "rain-paths-"));
  try {
    const root = join(base, "root");
    await mkdir(join(root, "sub"), { recursive: true });
    await writeFile(join(root, "sub", "f"), "x");
    await writeFile(join(base, "secret"), "s");
    await symlink("sub", join(root, "in"));
    await symlink("../secret", join(root, "out"));
    await symlink("/etc", join(root, "abs"));
    await symlink("sub/../..", join(root, "up"));
    await symlink("missing", join(root, "dangling"));
    await symlink("../../elsewhere", join(root, "sub", "dangling-out"));
    await symlink("loop", join(root, "loop"));

    // Inside.
    await checkInside(root, "sub/f");
    await checkInside(root, "in/f");
    await checkInside(root, "in");
    await checkInside(root, "not/there/yet");
    await checkInside(root, "dangling");
    await checkInside(root, ".");
    await checkInside(root, join(root, "in", "f"));
    // `..` applies after `in` is resolved: root/sub/.. is root.
    await checkInside(root, "in/../sub");

    // Outside.
    for (const path of ["out", "abs", "abs/passwd", "up", "sub/dangling-out", "..", "/etc"]) {
      await assert.rejects(checkInside(root, path), {
        message: new RegExp(`^Path "${path}" resolves to ".*", which is outside "`),
      }, path);
    }
    // `..` after a symlink applies to its target, not lexically.
    await mkdir(join(base, "other", "deeper"), { recursive: true });
    await symlink(join(base, "other", "deeper"), join(root, "deep"));
    await assert.rejects(checkInside(root, "deep/../x"), /outside/);
    await assert.rejects(checkInside(root, "loop"), /Too many levels of symbolic links/);
    // The root may itself be reached through a symlink.
    await symlink(root, join(base, "alias"));
    await checkInside(join(base, "alias"), "in/f");
    await checkInside(join(base, "alias"), join(base, "alias", "sub"));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
