/**
 * The governor's store of uploaded constant data ("contents"): a client
 * streams a large constant here (`PUT /contents/:dataType/:hash` of the data
 * plane), named by its content hash. The bytes are hashed as they arrive and
 * kept only when they match the name; constants of any session are then
 * bound to that one copy (`bind` from the server), until the server drops it
 * (`dropContent`), after its retention time.
 *
 * @module
 */
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { DataType } from "../common/attributes.ts";
import { createContentHasher, HASH_PREFIX, isContentHash } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";
import { directorySize, unpackTarStream } from "../common/tar.ts";
import { runtime } from "../runtime/mod.ts";
import { makeReadOnly, removeTree } from "./fs_util.ts";

/** An upload whose bytes do not match the hash it was sent under. */
export class ContentMismatchError extends Error {
  /**
   * @param expected The hash it was sent under.
   * @param actual The hash of the bytes that arrived.
   */
  constructor(readonly expected: string, readonly actual: string) {
    super(`Uploaded data does not match its hash: expected ${expected}, got ${actual}`);
    this.name = "ContentMismatchError";
  }
}

/** Uploaded contents on one governor, as files and trees in its work dir. */
export class ContentStore {
  readonly #dir: string;
  #uploads = 0;

  /** @param workDir The governor's work directory; contents go to `contents/`. */
  constructor(workDir: string) {
    this.#dir = join(workDir, "contents");
  }

  /** Creates the store's directory. */
  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
  }

  /**
   * Where a content is kept.
   *
   * @param hash Its content hash.
   * @param dataType Its data type.
   * @returns The path of its file or directory.
   */
  pathFor(hash: string, dataType: DataType): string {
    return join(this.#dir, `${dataType}-${hash.slice(HASH_PREFIX.length)}`);
  }

  /**
   * Receives an upload: writes (or unpacks) it aside while hashing it, and
   * keeps it under its hash only when the hashes match.
   *
   * @param hash The hash it is sent under.
   * @param dataType `"blob"`, or `"dir"` for a tar archive.
   * @param body The bytes.
   * @returns Its size (a dir's: the sum of its files).
   * @throws {ContentMismatchError} When the bytes do not match the hash.
   */
  async receive(
    hash: string,
    dataType: DataType,
    body: ReadableStream<Uint8Array>,
  ): Promise<number> {
    if (!isContentHash(hash)) throw new TypeError(`Invalid content hash "${hash}"`);
    const final = this.pathFor(hash, dataType);
    const part = join(this.#dir, `upload-${this.#uploads++}-${Date.now()}`);
    try {
      let size: number;
      let actual: string;
      if (dataType === "blob") {
        const hasher = createContentHasher();
        size = await runtime.writeFileStream(part, body, (c) => hasher.update(c));
        actual = hasher.digest();
      } else {
        await unpackTarStream(body, part);
        [size, actual] = await Promise.all([directorySize(part), hashDirectory(part)]);
      }
      if (actual !== hash) throw new ContentMismatchError(hash, actual);
      await makeReadOnly(part);
      try {
        await rename(part, final);
      } catch (e) {
        // The same content uploaded twice at once: the other copy stays.
        if (!(await stat(final).then(() => true, () => false))) throw e;
      }
      return size;
    } finally {
      await removeTree(part);
    }
  }

  /**
   * Deletes a content (the server no longer binds constants to it).
   *
   * @param hash Its content hash.
   * @param dataType Its data type.
   */
  async drop(hash: string, dataType: DataType): Promise<void> {
    if (isContentHash(hash)) await removeTree(this.pathFor(hash, dataType));
  }

  /** Deletes every content (governor shutdown). */
  async clear(): Promise<void> {
    await removeTree(this.#dir);
  }
}
