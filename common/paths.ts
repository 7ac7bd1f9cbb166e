/**
 * Checks on the relative paths that users give for inputs and outputs of
 * programs (`Input({ path })`, `Output({ path })`, `OutputDir`, ...) and on
 * the paths met when extracting archives.
 *
 * Paths are POSIX paths: `/` separates segments. A trailing `/` is kept and
 * means "a directory" (see {@link isDirPath}).
 *
 * Only `node:` built-ins are used, so the module runs under Deno and Node.
 *
 * @module
 */
import * as posix from "node:path/posix";
import * as nodePath from "node:path";
import { lstat, readdir, readlink, realpath } from "node:fs/promises";

/** How many symlinks {@link checkInside} follows before it gives up. */
const MAX_SYMLINKS = 40;

/** Quotes a value for an error message (`"a\"b"`, control characters escaped). */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** Upper-cases the first letter of `what`, for the start of an error message. */
function capitalise(what: string): string {
  return what.length === 0 ? "Path" : what.charAt(0).toUpperCase() + what.slice(1);
}

/**
 * Checks a user-given relative path and returns it in normal form.
 *
 * The normal form has no empty, `.` or inner `..` segments (`"./a//b/../c"`
 * becomes `"a/c"`) and keeps a trailing `/` (`"a/./"` becomes `"a/"`).
 * The check is lexical: it does not look at the file system, so `a/..` is
 * taken to be the directory itself even where `a` is a symlink; use
 * {@link checkInside} where symlinks matter.
 *
 * @example
 * ```ts
 * checkRelativePath("./out//log.txt", "output path"); // "out/log.txt"
 * checkRelativePath("repo/", "output path"); // "repo/"
 * checkRelativePath("../x", "output path"); // throws TypeError
 * ```
 *
 * @param path The path to check.
 * @param what What the path is, for error messages (e.g. `"output path"`).
 * @returns The normalised relative POSIX path.
 * @throws {TypeError} When `path` is not a string, is empty, contains a NUL
 *   character, is absolute, leaves the directory through `..`, or names the
 *   directory itself (`"."`, `"a/.."`).
 */
export function checkRelativePath(path: string, what: string): string {
  const What = capitalise(what);
  if (typeof path !== "string") {
    throw new TypeError(`${What} must be a string, got ${typeof path}`);
  }
  if (path.length === 0) throw new TypeError(`${What} "" is empty`);
  if (path.includes("\0")) {
    throw new TypeError(`${What} ${quote(path)} contains a NUL character`);
  }
  if (path.startsWith("/")) {
    throw new TypeError(`${What} ${quote(path)} is absolute`);
  }
  const normal = posix.normalize(path);
  if (normal === ".." || normal.startsWith("../")) {
    throw new TypeError(`${What} ${quote(path)} leaves the directory`);
  }
  if (normal === "." || normal === "./") {
    throw new TypeError(`${What} ${quote(path)} names the directory itself`);
  }
  return normal;
}

/**
 * Tells whether a path names a directory, i.e. ends with `/`.
 *
 * @example
 * ```ts
 * isDirPath("repo/"); // true
 * isDirPath("repo"); // false
 * ```
 *
 * @param path A path, normally one returned by {@link checkRelativePath}.
 * @returns `true` when `path` ends with `/`.
 */
export function isDirPath(path: string): boolean {
  return path.endsWith("/");
}

/** Tells whether `path` is `root` or below it (both absolute and normalised). */
function isWithin(root: string, path: string): boolean {
  const rel = nodePath.relative(root, path);
  return rel === "" ||
    (rel !== ".." && !rel.startsWith(".." + nodePath.sep) && !nodePath.isAbsolute(rel));
}

/** Tells whether an error says that a path does not exist (or has a file as a directory). */
function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Resolves `segments` one by one from the real directory `start`, as the
 * kernel would: symlinks are followed (dangling ones included) before any
 * later `..` applies. From the first segment that does not exist on, the rest
 * is joined lexically.
 */
async function resolveReal(start: string, segments: string[]): Promise<string> {
  let current = start;
  let hops = MAX_SYMLINKS;
  const pending = [...segments];
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      current = nodePath.dirname(current);
      continue;
    }
    const next = nodePath.join(current, segment);
    let stat;
    try {
      stat = await lstat(next);
    } catch (error) {
      if (isMissing(error)) return nodePath.resolve(next, ...pending);
      throw error;
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (--hops < 0) {
      throw new Error(`Too many levels of symbolic links at ${quote(next)}`);
    }
    const target = await readlink(next);
    if (nodePath.isAbsolute(target)) current = nodePath.parse(target).root;
    pending.unshift(...splitSegments(target));
  }
  return current;
}

/** Splits a path into its segments (empty ones included, they are skipped). */
function splitSegments(path: string): string[] {
  return path.split(nodePath.sep === "/" ? "/" : /[\\/]/);
}

/**
 * Checks that `path`, with every symlink on the way resolved, stays inside
 * `root`.
 *
 * The path is resolved segment by segment as the kernel would, so in
 * `link/../x` the `..` applies to where `link` points. Symlinks are followed
 * to their ends, dangling ones included; segments that do not exist are
 * joined as they are. `root` itself is compared by its real
 * path, so a `root` reached through a symlink (such as `/tmp` on macOS) is
 * fine.
 *
 * @example
 * ```ts
 * await checkInside("/work/run1", "out/log.txt"); // fine
 * await checkInside("/work/run1", "link/passwd"); // throws if link -> /etc
 * ```
 *
 * @param root The directory that `path` must stay inside; it must exist.
 * @param path A path relative to `root`, or an absolute path.
 * @throws {Error} When the real path of `path` is outside the real path of
 *   `root`, or when there are too many levels of symlinks. Errors from the
 *   file system (e.g. `root` does not exist) are passed on.
 */
export async function checkInside(root: string, path: string): Promise<void> {
  const realRoot = await realpath(root);
  const real = nodePath.isAbsolute(path)
    ? await resolveReal(nodePath.parse(path).root, splitSegments(path))
    : await resolveReal(realRoot, splitSegments(path));
  if (!isWithin(realRoot, real)) {
    throw new Error(
      `Path ${quote(path)} resolves to ${quote(real)}, which is outside ${quote(root)}`,
    );
  }
}

/**
 * Checks every symlink in a directory tree: each must point inside `root`.
 *
 * @param root The tree's root.
 * @throws {Error} Naming the first link that leaves the tree.
 */
export async function checkTreeInside(root: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = nodePath.join(dir, entry.name);
      if (entry.isSymbolicLink()) await checkInside(root, path);
      else if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(root);
}
