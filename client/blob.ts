/**
 * Constant data objects: `blob()` and `directory()`.
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { checkContentType, encodeValue, type Encoding } from "../common/content_type.ts";
import { DataObject } from "./data_object.ts";
import { activeSession } from "./session_stack.ts";

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
  const { data, contentType } = blobData(value, options);
  const session = activeSession();
  return new DataObject(
    session,
    {
      id: [session.id, session._nextNumber()],
      label: options.label ?? "const",
      contentType,
      dataType: "blob",
      user: {},
    },
    null,
    data,
  ).registered();
}

/**
 * Turns `blob()`'s arguments into bytes and a content type.
 *
 * @param value The value.
 * @param options The options.
 * @returns The bytes and content type.
 */
export function blobData(
  value: unknown,
  options: BlobOptions,
): { data: Uint8Array; contentType: string } {
  if (options.encode !== undefined) {
    if (options.contentType !== undefined && options.contentType !== options.encode) {
      throw new TypeError(
        `Conflicting options: encode "${options.encode}" and contentType "${options.contentType}"`,
      );
    }
    return { data: encodeValue(value, options.encode), contentType: options.encode };
  }
  if (options.contentType !== undefined) checkContentType(options.contentType);
  if (value instanceof Uint8Array) return { data: value, contentType: options.contentType ?? "" };
  if (typeof value === "string") {
    return { data: new TextEncoder().encode(value), contentType: options.contentType ?? "text" };
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
      id: [session.id, session._nextNumber()],
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
