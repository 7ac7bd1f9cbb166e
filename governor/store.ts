/**
 * The governor's object store: small objects in memory, large ones and
 * directories as files in the work dir.
 *
 * @module
 */
import { renameSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { runtime } from "../runtime/mod.ts";
import { join } from "node:path";
import type { DataType, Id, ObjectInfo } from "../common/attributes.ts";
import { emptyObjectInfo, formatId } from "../common/attributes.ts";
import { directorySize, packDirectory, unpackTar, unpackTarStream } from "../common/tar.ts";
import { createContentHasher, hashBytes, hashFile } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";
import { fsCause, makeReadOnly, removeTree } from "./fs_util.ts";
import { IdMap } from "./id_map.ts";
import type { GovernorLimits } from "./resources.ts";

/** Blobs up to this size stay in memory, unless the governor's limits say otherwise. */
export const MEMORY_LIMIT = 1024 * 1024;

/** An object held by the governor. */
export interface StoredObject {
  /** The object's id. */
  id: Id;
  /** `"blob"` or `"dir"`. */
  dataType: DataType;
  /** Its bytes, when held in memory. */
  data: Uint8Array | null;
  /** Its file or directory, when held on disk. */
  path: string | null;
  /** Its info (size, run-time content type, ...). */
  info: ObjectInfo;
  /**
   * Whether `path` is uploaded constant data (`contents.ts`) that other
   * objects may be bound to: dropping this object leaves the file.
   */
  shared?: boolean;
}

/** Objects held by one governor, keyed by id. */
export class ObjectStore {
  readonly #objects = new IdMap<StoredObject>();
  readonly #dir: string;
  /** Directory under which tasks get their temporary working directories. */
  readonly tasksDir: string;
  /** The governor's limits. */
  readonly limits: Readonly<GovernorLimits>;
  #memory = 0;
  #removed = 0;
  readonly #pending = new IdMap<Promise<StoredObject>>();

  /**
   * @param workDir The governor's work directory; objects go to `objects/`,
   *   task directories to `tasks/`.
   * @param limits The governor's limits (`inMemoryBytes` decides where blobs go).
   */
  constructor(workDir: string, limits: Readonly<GovernorLimits>) {
    this.limits = limits;
    this.#dir = join(workDir, "objects");
    this.tasksDir = join(workDir, "tasks");
  }

  /**
   * Creates the store's directories, removing what a governor that did not
   * stop cleanly (killed, crashed) left in them; nothing else of the work
   * directory is touched.
   */
  async init(): Promise<void> {
    await removeTree(this.#dir);
    await removeTree(this.tasksDir);
    await mkdir(this.#dir, { recursive: true });
    await mkdir(this.tasksDir, { recursive: true });
  }

  /**
   * Registers an object that is still arriving (e.g. a directory being unpacked).
   *
   * @param id The id.
   * @param arriving Resolves once the object is stored.
   */
  putPending(id: Id, arriving: Promise<StoredObject>): void {
    this.#pending.set(id, arriving);
    // The braces matter: a `finally` callback returning the rejected promise
    // (what `delete` returns) would reject this chain, unhandled.
    arriving.catch(() => {}).finally(() => {
      this.#pending.delete(id[0], id[1]);
    });
  }

  /**
   * An object still arriving, if any.
   *
   * @param id The id.
   * @returns A promise of the object.
   */
  pending(id: Id): Promise<StoredObject> | undefined {
    return this.#pending.get(id);
  }

  /** Bytes held in memory. */
  get memory(): number {
    return this.#memory;
  }

  /**
   * Looks up an object.
   *
   * @param id The id.
   * @returns The object, if held.
   */
  get(id: Id): StoredObject | undefined {
    return this.#objects.get(id);
  }

  /**
   * The file path an object of this id would have on disk.
   *
   * @param id The id.
   * @returns An absolute path in the store's directory.
   */
  pathFor(id: Id): string {
    return join(this.#dir, `${id[0]}-${id[1]}`);
  }

  /**
   * Stores a blob from bytes, on disk when it is large.
   *
   * @param id The id.
   * @param data The bytes.
   * @param contentType The run-time content type.
   * @param hash Their content hash, when known; computed otherwise.
   * @returns The stored object.
   */
  async putBytes(
    id: Id,
    data: Uint8Array,
    contentType: string,
    hash: string = hashBytes(data),
  ): Promise<StoredObject> {
    const info = { ...emptyObjectInfo(), size: data.length, contentType, hash };
    if (data.length <= this.limits.inMemoryBytes) {
      return this.put({ id, dataType: "blob", data, path: null, info });
    }
    const path = this.pathFor(id);
    try {
      await writeFile(path, data, { mode: 0o444 });
    } catch (e) {
      await rm(path, { force: true }); // no partial file left behind
      throw storeError(id, e);
    }
    return this.put({ id, dataType: "blob", data: null, path, info });
  }

  /**
   * Stores a blob from a byte stream, writing it to disk and hashing it as it
   * arrives.
   *
   * @param id The id.
   * @param stream The bytes.
   * @param contentType The run-time content type.
   * @param hash Their content hash, taken as it is (not computed) when given.
   * @returns The stored object, with the hash of the bytes that arrived.
   */
  async putStream(
    id: Id,
    stream: ReadableStream<Uint8Array>,
    contentType: string,
    hash?: string,
  ): Promise<StoredObject> {
    const path = this.pathFor(id);
    const hasher = hash === undefined ? createContentHasher() : null;
    let size: number;
    try {
      size = await runtime.writeFileStream(
        path,
        stream,
        hasher ? (c) => hasher.update(c) : undefined,
      );
    } catch (e) {
      await rm(path, { force: true });
      throw storeError(id, e);
    }
    await chmod(path, 0o444);
    const info = { ...emptyObjectInfo(), size, contentType, hash: hasher?.digest() ?? hash! };
    return this.put({ id, dataType: "blob", data: null, path, info });
  }

  /**
   * Stores a prepared object (replacing one with the same id).
   *
   * @param obj The object.
   * @returns The object.
   */
  put(obj: StoredObject): StoredObject {
    const old = this.#objects.set(obj.id, obj);
    if (old) this.#drop(old);
    if (obj.data) this.#memory += obj.data.length;
    return obj;
  }

  /**
   * The bytes of a blob (read from disk when needed).
   *
   * @param obj The object.
   * @returns Its bytes.
   */
  async bytes(obj: StoredObject): Promise<Uint8Array> {
    if (obj.data) return obj.data;
    if (obj.dataType === "dir") return await packDirectory(obj.path!);
    return new Uint8Array(await readFile(obj.path!));
  }

  /**
   * An object's content hash, computed (and recorded) when it is not known
   * yet: objects the server handed over with their data come without one.
   *
   * @param obj A stored object.
   * @returns Its content hash.
   */
  async hashOf(obj: StoredObject): Promise<string> {
    if (!obj.info.hash) {
      obj.info.hash = obj.data
        ? hashBytes(obj.data)
        : obj.dataType === "dir"
        ? await hashDirectory(obj.path!)
        : await hashFile(obj.path!);
    }
    return obj.info.hash;
  }

  /**
   * Stores a directory object from a tar archive, in memory or arriving as a
   * stream (unpacked as it arrives; a refused archive leaves nothing).
   *
   * @param id The id.
   * @param tar The archive.
   * @param contentType The run-time content type.
   * @param hash The directory's content hash, taken as it is (not computed) when given.
   * @returns The stored object.
   */
  async putTar(
    id: Id,
    tar: Uint8Array | ReadableStream<Uint8Array>,
    contentType: string,
    hash?: string,
  ): Promise<StoredObject> {
    const path = this.pathFor(id);
    await removeTree(path);
    try {
      if (tar instanceof Uint8Array) await unpackTar(tar, path);
      else await unpackTarStream(tar, path);
    } catch (e) {
      await removeTree(path);
      throw new Error(`Cannot store directory object ${formatId(id)}: ${(e as Error).message}`);
    }
    await makeReadOnly(path);
    const size = await directorySize(path);
    hash ??= await hashDirectory(path);
    const info = { ...emptyObjectInfo(), size, contentType, hash };
    return this.put({ id, dataType: "dir", data: null, path, info });
  }

  /**
   * Drops an object and its file.
   *
   * @param id The id.
   */
  remove(id: Id): void {
    const obj = this.#objects.delete(id[0], id[1]);
    if (obj) this.#drop(obj);
  }

  /**
   * Drops objects of one session and their files (a `free` message).
   *
   * @param session The session id.
   * @param ns The objects' numbers in the session.
   */
  removeMany(session: number, ns: readonly number[]): void {
    for (const n of ns) {
      const obj = this.#objects.delete(session, n);
      if (obj) this.#drop(obj);
    }
  }

  /** Releases the memory or the file of an object no longer in the map. */
  #drop(obj: StoredObject): void {
    if (obj.data) this.#memory -= obj.data.length;
    if (!obj.path || obj.shared) return;
    // Moved aside at once, so a new object of the same id (a recomputed one)
    // can take the path before the old one is deleted.
    const doomed = `${obj.path}.removed-${this.#removed++}`;
    try {
      renameSync(obj.path, doomed);
    } catch {
      return; // already gone
    }
    removeTree(doomed).catch(() => {});
  }

  /**
   * Drops every object of a session.
   *
   * @param session The session id.
   */
  removeSession(session: number): void {
    for (const obj of this.#objects.deleteSession(session)) this.#drop(obj);
  }

  /** Drops everything (governor shutdown). */
  async clear(): Promise<void> {
    this.#objects.clear();
    this.#memory = 0;
    await removeTree(this.#dir);
    await removeTree(this.tasksDir);
  }
}

/**
 * The error of a failed write into the store (disk full, permission...),
 * which fails the task that wrote, never the governor.
 *
 * @param id The object being stored.
 * @param e The file-system error.
 * @returns `Cannot store object S/N: cause`.
 */
export function storeError(id: Id, e: unknown): Error {
  return new Error(`Cannot store object ${formatId(id)}: ${fsCause(e)}`, { cause: e });
}
