/**
 * Data instances of the executor that live on disk: inputs the governor
 * holds as files, and files or directories a function staged as results.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { cp, mkdir, symlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { ObjectInfo, ObjectSpec } from "../common/attributes.ts";
import { decodeText, decodeValue, encodeValue, type Encoding } from "../common/content_type.ts";
import { DataInstance } from "../common/data_instance.ts";
import { ensureCodecsFor } from "../common/optional.ts";
import { unpackTar } from "../common/tar.ts";

/** A data instance backed by a file or directory; its bytes are read on first use. */
export class FileInstance extends DataInstance {
  /** The file or directory. */
  readonly path: string;
  #bytes: Uint8Array | null;

  /**
   * @param spec The object's spec.
   * @param info The object's info.
   * @param path Its file or directory.
   * @param tar For a directory: its tar archive, packed in advance.
   */
  constructor(spec: ObjectSpec, info: ObjectInfo, path: string, tar: Uint8Array | null = null) {
    super(spec, info, new Uint8Array(0), unpackTar);
    this.path = path;
    this.#bytes = tar;
  }

  /**
   * The bytes (read from the file on first use; a tar archive for a dir).
   *
   * @returns The bytes.
   */
  override bytes(): Uint8Array {
    return this.#bytes ??= new Uint8Array(readFileSync(this.path));
  }

  /**
   * The bytes as text.
   *
   * @returns The text.
   */
  override text(): string {
    return decodeText(this.bytes(), this.contentType);
  }

  /**
   * The value decoded by content type.
   *
   * @returns The value.
   */
  override load(): unknown {
    return decodeValue(this.bytes(), this.contentType);
  }

  /**
   * Writes a modifiable copy.
   *
   * @param path Where to write.
   */
  override async write(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await cp(this.path, path, { recursive: true });
  }

  /**
   * Makes a read-only link to the stored file or directory.
   *
   * @param path Where to put it.
   */
  override async link(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await symlink(this.path, path);
  }
}

/** A file or directory a function staged as a result (moved into the store). */
export class StagedInstance extends FileInstance {}

/**
 * A `ctx.blob(value, { encode })` result whose encoding needs a package that
 * is not imported yet (`@msgpack/msgpack`, imported on first use): encoded
 * once the function returns ({@linkcode PendingInstance.settle}).
 */
export class PendingInstance extends DataInstance {
  readonly #value: unknown;
  readonly #encoding: Encoding;
  #bytes: Uint8Array | null = null;

  /**
   * @param spec The result's spec.
   * @param info The result's info (its size is set when encoded).
   * @param value The value to encode.
   * @param encoding The encoding.
   */
  constructor(spec: ObjectSpec, info: ObjectInfo, value: unknown, encoding: Encoding) {
    super(spec, info, new Uint8Array(0), unpackTar);
    this.#value = value;
    this.#encoding = encoding;
  }

  /** Imports the encoder and encodes the value. */
  async settle(): Promise<void> {
    await ensureCodecsFor(this.#encoding);
    this.#bytes = encodeValue(this.#value, this.#encoding);
    this.info.size = this.#bytes.length;
  }

  /**
   * The encoded bytes.
   *
   * @returns The bytes.
   * @throws {Error} Before the function returned.
   */
  override bytes(): Uint8Array {
    if (this.#bytes) return this.#bytes;
    throw new Error(
      `The "${this.#encoding}" bytes of this ctx.blob() are made when the function returns`,
    );
  }
}
