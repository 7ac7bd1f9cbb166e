/**
 * Constant data objects: `blob()` and `directory()`.
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { checkContentType, encodeValue, type Encoding } from "../common/content_type.ts";
import { msgpack } from "../common/optional.ts";
import { DataObject } from "./data_object.ts";
import { activeSession } from "./session_stack.ts";
import { sessionInternal } from "./_session_internal.ts";

/** Options of {@linkcode blob}. */
export interface BlobOptions {
  /** The object's label. @default {"const"} */
  label?: string;
  /** Declared content type. @default {"" for bytes, "text" for strings} */
  contentType?: string;
  /** Encode a value and use the encoding as content type. */
  encode?: Encoding;
}

/**
 * Creates a constant blob in the active session; its data goes to the cluster with the
 * submit: inside it when small, streamed to a governor when large, not at all when a governor
 * holds the same bytes already (README, "Large constants, sent once").
 *
 * @example Constants of several kinds
 * ```ts ignore
 * blob(new Uint8Array([1, 2, 3]));          // content type ""
 * blob("String data");                      // content type "text"
 * blob([1, 2, 3, 4], { encode: "json" });   // encoded, content type "json"
 * ```
 *
 * @param value Bytes, a string, or (with `encode`) any value.
 * @param options Label, content type and encoding.
 * @returns The data object.
 */
export function blob(value: unknown, options: BlobOptions = {}): DataObject {
  const { data, contentType, encodeLater } = blobData(value, options);
  const session = activeSession();
  return new DataObject(
    session,
    {
      id: [session.id, sessionInternal.nextNumber(session)],
      label: options.label ?? "const",
      contentType,
      dataType: "blob",
      user: {},
    },
    null,
    data,
    null,
    encodeLater,
  ).registered();
}

/** `blob()`'s data: bytes now, or (for a codec imported on first use) bytes made at submit. */
interface BlobData {
  /** The bytes, when made now. */
  data: Uint8Array | null;
  /** The content type. */
  contentType: string;
  /** Makes the bytes at submit (when `data` is `null`). */
  encodeLater: (() => Promise<Uint8Array>) | null;
}

/**
 * Turns `blob()`'s arguments into bytes and a content type.
 *
 * @param value The value.
 * @param options The options.
 * @returns The bytes (or how to make them at submit) and the content type.
 */
function blobData(value: unknown, options: BlobOptions): BlobData {
  if (options.encode !== undefined) {
    const encoding = options.encode;
    if (options.contentType !== undefined && options.contentType !== encoding) {
      throw new TypeError(
        `Conflicting options: encode "${encoding}" and contentType "${options.contentType}"`,
      );
    }
    if (encoding === "msgpack" && !msgpack.loaded) {
      // @msgpack/msgpack is imported on first use, at submit; the value is
      // copied now, so that changes made to it after blob() do not count.
      const copy = structuredClone(value);
      const encodeLater = async () => {
        await msgpack.load();
        return encodeValue(copy, encoding);
      };
      return { data: null, contentType: encoding, encodeLater };
    }
    return { data: encodeValue(value, encoding), contentType: encoding, encodeLater: null };
  }
  if (options.contentType !== undefined) checkContentType(options.contentType);
  const contentType = options.contentType;
  if (value instanceof Uint8Array) {
    return { data: value, contentType: contentType ?? "", encodeLater: null };
  }
  if (typeof value === "string") {
    const data = new TextEncoder().encode(value);
    return { data, contentType: contentType ?? "text", encodeLater: null };
  }
  throw new TypeError(
    `Cannot make a blob of ${
      value === null ? "null" : typeof value
    }: pass a Uint8Array or a string, or use { encode }`,
  );
}

/**
 * Creates a dir object from a directory on the client's file system; its
 * contents are read (as a tar archive) when the session is submitted.
 *
 * @param path The directory.
 * @param options The label.
 * @returns The data object.
 * @throws {TypeError} When the path is not a directory.
 */
export function directory(path: string, options: { label?: string } = {}): DataObject {
  const full = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw new TypeError(`Cannot use "${path}" as a directory: it does not exist`);
  }
  if (!isDir) throw new TypeError(`Cannot use "${path}" as a directory: it is not a directory`);
  const session = activeSession();
  return new DataObject(
    session,
    {
      id: [session.id, sessionInternal.nextNumber(session)],
      label: options.label ?? "const",
      contentType: "",
      dataType: "dir",
      user: {},
    },
    null,
    null,
    full,
  ).registered();
}
