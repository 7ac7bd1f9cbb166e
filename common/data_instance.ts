/**
 * `DataInstance`: the data of a finished object together with its spec and
 * info, as the client's `fetch()` and the executor hand it out.
 *
 * @module
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ObjectInfo, ObjectSpec } from "./attributes.ts";
import { decodeText, decodeValue } from "./content_type.ts";

/** Unpacks a dir object's tar bytes into a directory (set by the tar module's users). */
export type TarUnpacker = (tar: Uint8Array, dest: string) => Promise<void>;

/** The data of a finished data object. */
export class DataInstance {
  /** The object's spec. */
  readonly spec: ObjectSpec;
  /** The object's info. */
  readonly info: ObjectInfo;
  readonly #data: Uint8Array;
  readonly #unpack: TarUnpacker | null;

  /**
   * Wraps an object's data with its spec and info (`fetch()` and the executor make these).
   *
   * @param spec The object's spec.
   * @param info The object's info.
   * @param data Its bytes (a tar archive for a dir).
   * @param unpack Unpacks a tar archive (needed by `write()` of dirs).
   */
  constructor(
    spec: ObjectSpec,
    info: ObjectInfo,
    data: Uint8Array,
    unpack: TarUnpacker | null = null,
  ) {
    this.spec = spec;
    this.info = info;
    this.#data = data;
    this.#unpack = unpack;
  }

  /** The content type: the run-time one when set, else the declared one. */
  get contentType(): string {
    return this.info.contentType || this.spec.contentType;
  }

  /**
   * The raw bytes (a tar archive for a dir).
   *
   * @returns The bytes.
   */
  bytes(): Uint8Array {
    return this.#data;
  }

  /**
   * The bytes as text (UTF-8, or the encoding of a `text-<encoding>` content type).
   *
   * @returns The text.
   */
  text(): string {
    return decodeText(this.bytes(), this.contentType);
  }

  /**
   * The value decoded by content type (`json`, `cbor`, `msgpack`, `text`, ...;
   * `arrow` gives an `apache-arrow` `Table`).
   *
   * @returns The decoded value.
   * @throws {TypeError} For content type `""` and types without a decoder.
   */
  load(): unknown {
    return decodeValue(this.bytes(), this.contentType);
  }

  /**
   * Writes a modifiable copy to `path` (a file, or a directory for dirs).
   *
   * @param path Where to write.
   */
  async write(path: string): Promise<void> {
    if (this.spec.dataType === "dir") {
      if (!this.#unpack) throw new Error("Cannot write a directory here: no tar support loaded");
      await this.#unpack(this.bytes(), path);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, this.bytes());
  }

  /**
   * Makes a read-only copy at `path`. The client has no stored file to link
   * to, so this writes a copy and removes its write permission.
   *
   * @param path Where to put it.
   */
  async link(path: string): Promise<void> {
    await this.write(path);
    if (this.spec.dataType === "blob") await chmod(path, 0o444);
  }
}
