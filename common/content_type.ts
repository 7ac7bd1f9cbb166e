/**
 * Content types: the sub-type relation and encoding/decoding of the types that
 * Rain recognises (`json`, `cbor`, `msgpack`, `text`, `text-<encoding>`, and for
 * decoding `arrow`).
 *
 * @module
 */
import { decode as cborDecode, encode as cborEncode } from "./cbor.ts";
import { arrow, msgpack } from "./optional.ts";

/** The encodings `blob(value, { encode })` and `Output({ encode })` accept. */
export type Encoding = "json" | "cbor" | "msgpack" | "text";

/** Content types that name Python serialisations, recognised but not loadable here. */
const PYTHON_TYPES = new Set(["pickle", "cloudpickle"]);

/**
 * Tells whether `sub` is a sub-type of `sup` (anything is a sub-type of `""`;
 * `"text-latin1"` is a sub-type of `"text"`; `"mime/x"` is not of `"mime"`
 * unless written as a prefix ending in `/`).
 *
 * @param sub The run-time content type.
 * @param sup The declared content type.
 * @returns `true` when `sub` may stand where `sup` was declared.
 */
export function isSubtype(sub: string, sup: string): boolean {
  if (sup === "" || sub === sup) return true;
  if (sup === "text" && sub.startsWith("text-")) return true;
  return sup.endsWith("/") && sub.startsWith(sup);
}

/**
 * Checks that a content type name is well formed.
 *
 * @param contentType The name to check.
 * @throws {TypeError} When the name is not a known content type.
 */
export function checkContentType(contentType: string): void {
  if (typeof contentType !== "string") {
    throw new TypeError(`Content type must be a string, got ${typeof contentType}`);
  }
  if (
    contentType === "" || contentType === "json" || contentType === "cbor" ||
    contentType === "msgpack" || contentType === "arrow" || contentType === "text" ||
    PYTHON_TYPES.has(contentType) || /^text-[\w.-]+$/.test(contentType) ||
    /^(mime|user)\/.+$/.test(contentType)
  ) return;
  throw new TypeError(`Unknown content type "${contentType}"`);
}

/**
 * Encodes a value with one of the supported encodings.
 *
 * @param value The value to encode.
 * @param encoding The encoding, which also becomes the content type.
 * @returns The encoded bytes.
 */
export function encodeValue(value: unknown, encoding: Encoding): Uint8Array {
  switch (encoding) {
    case "json":
      return new TextEncoder().encode(JSON.stringify(value));
    case "cbor":
      return toUint8Array(cborEncode(value));
    case "msgpack":
      return msgpack.get().encode(value);
    case "text":
      if (typeof value !== "string") {
        throw new TypeError(`Cannot encode ${typeof value} as "text": expected a string`);
      }
      return new TextEncoder().encode(value);
    default:
      throw new TypeError(`Unknown encoding "${encoding}"`);
  }
}

/**
 * Decodes bytes by their content type.
 *
 * @param bytes The object's bytes.
 * @param contentType The object's content type.
 * @returns The decoded value (an `apache-arrow` `Table` for `"arrow"`).
 * @throws {TypeError} When the content type has no decoder here.
 */
export function decodeValue(bytes: Uint8Array, contentType: string): unknown {
  if (contentType === "") {
    throw new TypeError('Cannot load an object with content type "": it has no content type');
  }
  if (contentType === "json") return JSON.parse(new TextDecoder().decode(bytes));
  if (contentType === "cbor") return cborDecode(bytes);
  if (contentType === "msgpack") return msgpack.get().decode(bytes);
  if (contentType === "arrow") return arrow.get().tableFromIPC(bytes);
  if (contentType === "text" || contentType.startsWith("text-")) {
    return decodeText(bytes, contentType);
  }
  if (PYTHON_TYPES.has(contentType)) {
    throw new TypeError(
      `Cannot load content type "${contentType}": it is a Python serialisation`,
    );
  }
  throw new TypeError(`Cannot load content type "${contentType}": no decoder for it`);
}

/**
 * Decodes text by a `text` or `text-<encoding>` content type (UTF-8 otherwise).
 *
 * @param bytes The bytes to decode.
 * @param contentType The content type naming the encoding.
 * @returns The decoded string.
 */
export function decodeText(bytes: Uint8Array, contentType: string): string {
  const encoding = contentType.startsWith("text-") ? contentType.slice(5) : "utf-8";
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * Views any byte buffer (a Node `Buffer` included) as a plain `Uint8Array`.
 *
 * @param bytes The bytes.
 * @returns A `Uint8Array` over the same memory.
 */
export function toUint8Array(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
