/**
 * Tar archives of directories: the `bytes()` of a directory object is a tar
 * archive of its contents.
 *
 * Built on the npm package `modern-tar`: its Node file-system API
 * (`modern-tar/fs`) reads and writes directories, and its core decoder is used
 * to check every header of an archive before anything is extracted.
 *
 * @module
 */
import * as posix from "node:path/posix";
import * as nodePath from "node:path";
import { chmod, lstat, readdir, realpath } from "node:fs/promises";
import { Buffer } from "node:buffer";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type TarHeader, unpackTar as readHeaders } from "npm:modern-tar@^0.8.6";
import { packTar as packFs, unpackTar as unpackFs } from "npm:modern-tar@^0.8.6/fs";
import { checkInside, checkRelativePath } from "./paths.ts";
import { concatBytesTs } from "../wasm/concat.ts";

/** Entry types that {@link unpackTar} extracts; every other type is refused. */
const ALLOWED_TYPES = new Set(["file", "directory", "symlink", "link"]);

/** Quotes a value for an error message. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** Tells whether a normalised relative POSIX path leaves its root. */
function leaves(normal: string): boolean {
  return normal === ".." || normal.startsWith("../") || posix.isAbsolute(normal);
}

/**
 * Packs the contents of a directory into an uncompressed tar archive.
 *
 * Entry names are relative to `dir` (`a.txt`, `sub/`, `sub/b.txt`); `dir`
 * itself has no entry. Files, directories and symlinks are archived with their
 * modes and modification times; files with several hard links inside `dir`
 * become hard-link entries; sockets, FIFOs and devices are left out.
 *
 * Symlinks are kept as symlinks, and only when they point inside `dir`
 * (dangling ones included): a relative target is checked against the
 * directory the link is in, and an absolute target that points inside `dir`
 * is rewritten as a relative one, so that the archive can be extracted
 * anywhere. A symlink to a directory is not followed.
 *
 * @example
 * ```ts
 * const archive = await packDirectory("/tmp/run1/repo");
 * await unpackTar(archive, "/tmp/run2/repo");
 * ```
 *
 * @param dir The directory to pack.
 * @returns The tar archive.
 * @throws {Error} When a symlink points outside `dir`, or when `dir` cannot be
 *   read.
 */
export async function packDirectory(dir: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await packReadable(dir)) chunks.push(chunk);
  return concatBytesTs(chunks);
}

/**
 * Packs the contents of a directory into an uncompressed tar archive, as a
 * stream: the archive of {@link packDirectory}, produced as it is read
 * (files are read one at a time, so memory stays bounded whatever the size).
 *
 * @example
 * ```ts ignore
 * await fetch(url, { method: "PUT", body: await packDirectoryStream(dir), duplex: "half" });
 * ```
 *
 * @param dir The directory to pack.
 * @returns The archive's bytes; the stream errors when a symlink points
 *   outside `dir` or a file cannot be read.
 * @throws {Error} When `dir` is not a directory.
 */
export async function packDirectoryStream(dir: string): Promise<ReadableStream<Uint8Array>> {
  return Readable.toWeb(await packReadable(dir)) as unknown as ReadableStream<Uint8Array>;
}

/** The archive of {@link packDirectory} as a Node stream. */
async function packReadable(dir: string): Promise<Readable> {
  const stat = await lstat(dir);
  if (!stat.isDirectory()) {
    throw new Error(`Cannot pack ${quote(dir)}: not a directory`);
  }
  // The prefixes under which an absolute symlink target points inside `dir`.
  const roots = [...new Set([nodePath.resolve(dir), await realpath(dir)])];
  const map = (header: TarHeader): TarHeader => {
    if (header.type !== "symlink") return header;
    const linkname = header.linkname ?? "";
    const name = header.name;
    let target: string | undefined;
    if (posix.isAbsolute(linkname)) {
      for (const root of roots) {
        const rel = posix.relative(root, linkname);
        if (!leaves(rel)) {
          target = posix.relative(posix.dirname(name), rel || ".") || ".";
          break;
        }
      }
    } else if (linkname !== "" && !leaves(posix.join(posix.dirname(name), linkname))) {
      target = linkname;
    }
    if (target === undefined) {
      throw new Error(
        `Cannot pack ${quote(dir)}: symlink ${quote(name)} -> ${quote(linkname)} ` +
          "points outside the directory",
      );
    }
    return { ...header, linkname: target };
  };
  return packFs(dir, { map });
}

/**
 * Checks one header of an archive to extract; returns its normalised name, or
 * `""` for an entry that names the destination itself (`./`).
 */
function checkHeader(header: TarHeader): string {
  const name = header.name;
  const type = header.type ?? "file";
  if (!ALLOWED_TYPES.has(type)) {
    throw new Error(`Tar entry ${quote(name)} is a ${type}, which cannot be extracted`);
  }
  // modern-tar/fs reads `\` as a separator, so check the name as it will.
  const slashed = name.replaceAll("\\", "/");
  const isDest = [".", "./"].includes(posix.normalize(slashed)) && !slashed.startsWith("/");
  if (type === "directory" && isDest) {
    return "";
  }
  let normal: string;
  try {
    normal = checkRelativePath(slashed, "tar entry");
  } catch (error) {
    throw new Error((error as Error).message, { cause: error });
  }
  if (type === "symlink" || type === "link") {
    const linkname = (header.linkname ?? "").replaceAll("\\", "/");
    const kind = type === "symlink" ? "Symlink" : "Hard link";
    if (linkname === "" || linkname.includes("\0")) {
      throw new Error(`${kind} ${quote(name)} has an invalid target ${quote(linkname)}`);
    }
    // A symlink's target is relative to its directory, a hard link's to the archive.
    const base = type === "symlink" ? posix.dirname(normal) : ".";
    if (posix.isAbsolute(linkname) || leaves(posix.join(base, linkname))) {
      throw new Error(
        `${kind} ${quote(name)} -> ${quote(header.linkname ?? "")} points outside the directory`,
      );
    }
  }
  return normal;
}

/**
 * Extracts a tar archive into a directory, which is created if needed.
 *
 * Every header is checked before anything is written (tar-slip protection);
 * the archive is refused, with an error naming the entry, when an entry:
 *
 * - has an absolute name, or a name whose `..` segments leave `dest`;
 * - is a symlink with an absolute target or a target that leaves `dest`
 *   (relative to the link's directory), or a hard link whose target does;
 * - is a character device, block device or FIFO;
 * - names a path that an earlier entry names too (except directories);
 * - is corrupt (bad checksum) or the archive is truncated.
 *
 * During extraction, modern-tar resolves real paths, so entries that would be
 * written through a symlink leading outside `dest`, or symlinks that leave
 * `dest` through other symlinks, are refused too; after it, every extracted
 * symlink is checked again with {@link checkInside}. On such a failure the
 * entries extracted so far stay in `dest`, but nothing is written outside it.
 *
 * Modes are kept (without set-uid, set-gid and sticky bits), and so are
 * modification times of files; owners are not. Directories are made writable
 * by their owner while extracting and get their archived modes at the end, so
 * read-only directories can be extracted. An entry `./` stands for `dest`.
 *
 * @example
 * ```ts
 * await unpackTar(await packDirectory("/tmp/a"), "/tmp/b");
 * ```
 *
 * @param bytes The tar archive (uncompressed).
 * @param dest The directory to extract into.
 * @throws {Error} When an entry is refused (see above), or on file-system
 *   errors.
 */
export async function unpackTar(bytes: Uint8Array, dest: string): Promise<void> {
  const checks = new ArchiveChecks();
  // Pass 1: check every header; `filter` returning false skips the bodies.
  await readHeaders(bytes, {
    strict: true,
    filter: (header) => {
      checks.see(header);
      return false;
    },
  });
  // Pass 2: extract, with the same checks again on the headers modern-tar/fs sees.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  await pipeline(Readable.from([view]), extractor(dest, checkHeader));
  await checks.finish(dest);
}

/**
 * Extracts a tar archive that arrives as a stream into a directory, in one
 * pass with bounded memory: the checks of {@link unpackTar}, made on each
 * header as it arrives, before its entry is written. So, unlike
 * `unpackTar`, entries before a refused one are already in `dest` when it
 * throws: extract into a fresh directory and remove it on failure. Nothing
 * is ever written outside `dest`.
 *
 * @example
 * ```ts ignore
 * await unpackTarStream((await fetch(url)).body!, "/tmp/fresh");
 * ```
 *
 * @param stream The tar archive (uncompressed).
 * @param dest The directory to extract into.
 * @throws {Error} When an entry is refused, or on file-system errors.
 */
export async function unpackTarStream(
  stream: ReadableStream<Uint8Array>,
  dest: string,
): Promise<void> {
  const checks = new ArchiveChecks();
  // deno-lint-ignore no-explicit-any
  await pipeline(Readable.fromWeb(stream as any), extractor(dest, (h) => checks.see(h)));
  await checks.finish(dest);
}

/** modern-tar/fs's extractor, with `check` on each header and directories writable until the end. */
function extractor(dest: string, check: (header: TarHeader) => unknown): Writable {
  return unpackFs(dest, {
    strict: true,
    filter: (header) => {
      check(header);
      return true;
    },
    map: (header) =>
      header.type === "directory" && header.mode !== undefined
        ? { ...header, mode: header.mode | 0o700 }
        : header,
  });
}

/** The checks over a whole archive: duplicates while reading, symlinks and modes at the end. */
class ArchiveChecks {
  readonly #symlinks: string[] = [];
  readonly #dirModes = new Map<string, number>();
  readonly #seen = new Map<string, string>();

  /** Checks one header, in archive order. */
  see(header: TarHeader): void {
    const normal = checkHeader(header);
    const key = normal.replace(/\/$/, "");
    const type = header.type ?? "file";
    const before = this.#seen.get(key);
    if (before !== undefined && (before !== "directory" || type !== "directory")) {
      // modern-tar/fs would keep the first and skip the later one silently.
      throw new Error(`Tar entry ${quote(header.name)} appears more than once`);
    }
    this.#seen.set(key, type);
    if (header.type === "symlink") this.#symlinks.push(normal);
    if (header.type === "directory" && normal !== "" && header.mode !== undefined) {
      this.#dirModes.set(key, header.mode & 0o7777);
    }
  }

  /** Checks the extracted symlinks and gives directories their archived modes. */
  async finish(dest: string): Promise<void> {
    for (const link of this.#symlinks) {
      try {
        await checkInside(dest, link);
      } catch (error) {
        throw new Error(
          `Symlink ${quote(link)} points outside the directory: ${(error as Error).message}`,
        );
      }
    }
    // Deepest first, so that a read-only parent does not block its children.
    const dirs = [...this.#dirModes].sort(([a], [b]) => b.split("/").length - a.split("/").length);
    for (const [dir, mode] of dirs) {
      if ((mode & 0o700) !== 0o700) await chmod(nodePath.join(dest, dir), mode & 0o777);
    }
  }
}

/**
 * Sums the sizes of the regular files in a directory and its subdirectories.
 *
 * Symlinks are not followed and count for nothing; neither do directories
 * themselves. A file with several hard links is counted once for each.
 *
 * @param dir The directory.
 * @returns The total size in bytes.
 * @throws {Error} When `dir` cannot be read.
 */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = nodePath.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else if (entry.isFile()) total += (await lstat(path)).size;
  }
  return total;
}
