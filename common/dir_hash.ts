/**
 * The content hash of a directory, defined over its entries rather than over
 * any archive of it, so it does not depend on tar details (order, times,
 * owners, padding) and every copy of a directory hashes the same: the one
 * read by `directory()` on the client, the one unpacked in a governor's
 * store, the one a program wrote.
 *
 * The hash is the XXH3-128 of a manifest with one record per entry below the
 * root (the root itself has none), sorted by path (as UTF-8 bytes):
 *
 * ```text
 * <type> <mode> <content> <path>\0
 * ```
 *
 * - `type`: `f` (file), `d` (directory) or `l` (symlink); other kinds are
 *   left out, as archives leave them out;
 * - `mode`: `755` for directories, symlinks and files their owner may
 *   execute, `644` for other files (stored copies are made read-only, so only
 *   the executable bit is part of the content, as in git);
 * - `content`: the 32 hex digits of the file's XXH3-128, of the symlink's
 *   target, or `-` for a directory;
 * - `path`: relative to the root, `/`-separated.
 *
 * A symlink's target is taken as archives carry it: an absolute target
 * inside the root counts as the equivalent relative one.
 *
 * @module
 */
import * as posix from "node:path/posix";
import * as nodePath from "node:path";
import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import { xxh128 } from "../wasm/hash.ts";
import { createContentHasher, HASH_PREFIX, hashFile } from "./content_hash.ts";

/** One manifest record, with its path as UTF-8 for sorting. */
interface Entry {
  path: Uint8Array;
  record: string;
}

const encoder = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * A symlink's target as an archive of the root carries it: an absolute
 * target inside the root becomes relative to the link's directory.
 */
function linkTarget(roots: string[], path: string, target: string): string {
  if (!posix.isAbsolute(target)) return target;
  for (const root of roots) {
    const rel = posix.relative(root, target);
    if (rel !== ".." && !rel.startsWith("../") && !posix.isAbsolute(rel)) {
      return posix.relative(posix.dirname(path), rel || ".") || ".";
    }
  }
  return target;
}

/**
 * The content hash of a directory tree (see the module documentation).
 *
 * @example
 * ```ts ignore
 * await hashDirectory("/tmp/out"); // "xxh128:…"
 * ```
 *
 * @param root The directory.
 * @returns `"xxh128:<32 hex digits>"`.
 * @throws {Error} When the tree cannot be read.
 */
export async function hashDirectory(root: string): Promise<string> {
  const roots = [...new Set([nodePath.resolve(root), await realpath(root)])];
  const entries: Entry[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const full = nodePath.join(dir, d.name);
      const path = prefix + d.name;
      let record: string;
      if (d.isDirectory()) {
        record = `d 755 - ${path}\0`;
        await walk(full, `${path}/`);
      } else if (d.isFile()) {
        const executable = ((await lstat(full)).mode & 0o100) !== 0;
        const hash = (await hashFile(full)).slice(HASH_PREFIX.length);
        record = `f ${executable ? 755 : 644} ${hash} ${path}\0`;
      } else if (d.isSymbolicLink()) {
        const target = linkTarget(roots, path, await readlink(full));
        record = `l 755 ${xxh128(encoder.encode(target))} ${path}\0`;
      } else continue;
      entries.push({ path: encoder.encode(path), record });
    }
  };
  await walk(root, "");
  entries.sort((a, b) => compareBytes(a.path, b.path));
  const h = createContentHasher();
  for (const e of entries) h.update(encoder.encode(e.record));
  return h.digest();
}
