/**
 * File-system helpers of the governor: placing files and trees into the
 * store, making them read-only, measuring them, describing errors.
 *
 * @module
 */
import { chmod, cp, link, lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { directorySize } from "../common/tar.ts";

/**
 * Describes a file-system error the way a user wants to read it.
 *
 * @param e The error.
 * @returns A short cause, e.g. `"no such file or directory"`.
 */
export function fsCause(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ENOTDIR") return "not a directory";
  if (code === "ENOSPC") return "no space left on device";
  if (code === "EDQUOT") return "disk quota exceeded";
  if (code === "EROFS") return "read-only file system";
  return (e as Error).message;
}

/** How a file or tree enters the store. */
export type PlaceMode = "link" | "copy" | "move";

/**
 * Puts a file or directory tree at `to`: `move` renames it (copying across
 * file systems), `link` hard-links files (copying when impossible, and for
 * trees), `copy` copies. The result is made read-only.
 *
 * @param from The source.
 * @param to The destination (must not exist).
 * @param mode How to place it.
 * @returns The size in bytes (the sum of file sizes for a tree).
 */
export async function place(from: string, to: string, mode: PlaceMode): Promise<number> {
  await mkdir(dirname(to), { recursive: true });
  const st = await lstat(from);
  if (mode === "move") {
    try {
      await rename(from, to);
    } catch {
      await cp(from, to, { recursive: true, verbatimSymlinks: true });
    }
  } else if (mode === "link" && st.isFile()) {
    try {
      await link(from, to);
    } catch {
      await cp(from, to);
    }
  } else await cp(from, to, { recursive: true, verbatimSymlinks: true });
  await makeReadOnly(to);
  return st.isDirectory() ? await directorySize(to) : st.size;
}

/**
 * Removes write permission from a file, or from every file and directory in
 * a tree, so programs given a link to it cannot change it (file modes do not
 * bind root).
 *
 * @param path A file or directory.
 */
export async function makeReadOnly(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    for (const name of await readdir(path)) await makeReadOnly(join(path, name));
  } else if (!st.isFile()) return;
  await chmod(path, st.mode & 0o555);
}

/**
 * Removes a file or tree, first giving back the write permission that
 * {@linkcode makeReadOnly} took from its directories when that is needed.
 *
 * @param path The file or tree; missing is fine.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    await makeDirsWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeDirsWritable(path: string): Promise<void> {
  const st = await lstat(path).catch(() => null);
  if (!st?.isDirectory()) return;
  await chmod(path, st.mode | 0o700);
  for (const name of await readdir(path)) await makeDirsWritable(join(path, name));
}
