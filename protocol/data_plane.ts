/**
 * The object data plane: governors serve the data of the objects they hold
 * over HTTP (`GET /objects/:session/:n`), and clients and other governors
 * fetch it straight from there. This module is the one place that knows the
 * URL, the headers and how to fetch; the governor's route
 * (`governor/data_server.ts`), the governor's input transfers, the client's
 * `fetch()` and the tests all go through it.
 *
 * A response carries the bytes of a blob, or a directory packed as a tar
 * archive, with the object's run-time content type, its data type and its
 * content hash in headers; a blob's response has a `content-length`. The
 * receiver hashes the bytes as they arrive and refuses a copy that does not
 * match (README, "Verified transfers").
 *
 * Every request carries the data secret (`Authorization: Bearer`), which the
 * server hands to governors (`registered`) and clients (`welcome`) once they
 * authenticated; a governor refuses any request without it. With TLS (the
 * server reached over `wss://`) governors serve their data over HTTPS.
 *
 * @module
 */
import { type DataType, formatId, type Id } from "../common/attributes.ts";
import { authHeaders } from "../common/auth.ts";
import { createContentHasher, verifyTransfers } from "../common/content_hash.ts";
import { hashTar } from "../common/tar_hash.ts";
import { runtime } from "../runtime/mod.ts";
import { concatBytesTs } from "../wasm/concat.ts";

/** The Hono route pattern of an object's data on a governor. */
export const OBJECT_ROUTE = "/objects/:session/:n";

/** Header carrying an object's run-time content type. */
export const CONTENT_TYPE_HEADER = "x-rain-content-type";

/** Header carrying an object's data type (`"blob"` or `"dir"`). */
export const DATA_TYPE_HEADER = "x-rain-data-type";

/** Header carrying an object's content hash (`info.hash`). */
export const HASH_HEADER = "x-rain-hash";

/** Credentials and transport for governors' data servers. */
export interface DataAccess {
  /** The data secret from the server's handshake; none with authentication off. */
  token?: string | undefined;
  /** Whether governors serve data over HTTPS (as the server connection uses TLS). */
  tls: boolean;
  /** Certificates (PEM) trusted instead of the system's CAs. */
  ca?: string | undefined;
}

/** Plain HTTP without a secret: a server without authentication and TLS. */
export const OPEN_ACCESS: DataAccess = Object.freeze({ tls: false });

/**
 * The URL of an object's data on the governor holding it.
 *
 * @example
 * ```ts
 * import { objectUrl } from "./data_plane.ts";
 * objectUrl("127.0.0.1:4000", [3, 17]); // "http://127.0.0.1:4000/objects/3/17"
 * ```
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @param tls Whether governors serve HTTPS.
 * @returns The URL.
 */
export function objectUrl(location: string, id: Readonly<Id>, tls = false): string {
  return `${tls ? "https" : "http"}://${location}/objects/${id[0]}/${id[1]}`;
}

/**
 * Reads the id out of the parameters of {@linkcode OBJECT_ROUTE}.
 *
 * @param session The `:session` parameter.
 * @param n The `:n` parameter.
 * @returns The id, or `null` when either is not a decimal number.
 */
export function parseObjectId(session: string, n: string): Id | null {
  if (!/^\d+$/.test(session) || !/^\d+$/.test(n)) return null;
  return [Number(session), Number(n)];
}

/** What the headers of an object's response say about it. */
export interface ObjectMeta {
  /** The object's run-time content type. */
  contentType: string;
  /** Its data type; a `"dir"` travels as a tar archive. */
  dataType: DataType;
  /** Its size in bytes for a blob; `NaN` when the response has no length (a dir). */
  size: number;
  /** Its content hash as the holder recorded it when the object was made (`""`: none sent). */
  hash: string;
}

/**
 * The headers of an object's response.
 *
 * @param meta The object's content type, data type, hash and (for a blob) size.
 * @returns The headers.
 */
export function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    [CONTENT_TYPE_HEADER]: meta.contentType,
    [DATA_TYPE_HEADER]: meta.dataType,
    [HASH_HEADER]: meta.hash,
    "content-type": "application/octet-stream",
  };
  // A known length spares chunked encoding on large blobs.
  if (meta.dataType === "blob") headers["content-length"] = String(meta.size);
  return headers;
}

/**
 * Reads what {@linkcode objectHeaders} wrote.
 *
 * @param headers A response's headers.
 * @returns The object's content type, data type, size and hash.
 */
export function readObjectHeaders(headers: Headers): ObjectMeta {
  return {
    contentType: headers.get(CONTENT_TYPE_HEADER) ?? "",
    dataType: headers.get(DATA_TYPE_HEADER) === "dir" ? "dir" : "blob",
    size: Number(headers.get("content-length") ?? NaN),
    hash: headers.get(HASH_HEADER) ?? "",
  };
}

/**
 * The bytes that arrived do not match the object's content hash: the copy
 * is corrupt (on the holder's disk, or on the way), and was dropped.
 */
export class ObjectHashError extends Error {
  /**
   * @param id The object's id.
   * @param location The governor (`host:port`) the bytes came from.
   * @param expected The object's content hash.
   * @param actual The hash of the bytes that arrived.
   */
  constructor(
    readonly id: Id,
    readonly location: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `Object ${formatId(id)} from governor ${location} does not match its hash: ` +
        `expected ${expected}, got ${actual}`,
    );
    this.name = "ObjectHashError";
  }
}

/** An object's data could not be fetched from a governor. */
export class ObjectFetchError extends Error {
  /**
   * @param id The object's id.
   * @param location The governor (`host:port`) asked.
   * @param reason What went wrong (`"HTTP 404"`, a network error).
   */
  constructor(readonly id: Id, readonly location: string, readonly reason: string) {
    super(`Cannot fetch object ${formatId(id)} from governor ${location}: ${reason}`);
    this.name = "ObjectFetchError";
  }
}

/** An object's response, opened: what its headers say, and its body still to read. */
export interface OpenedObject extends ObjectMeta {
  /** The response; its body is the data (a tar archive for a dir). */
  response: Response;
}

/**
 * Starts fetching an object's data from a governor.
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @param access The data secret and transport.
 * @returns The opened response.
 * @throws {ObjectFetchError} When the governor cannot be reached, refuses the
 *   secret (with its reason) or does not have the object.
 */
export async function openObject(
  location: string,
  id: Id,
  access: DataAccess,
): Promise<OpenedObject> {
  let response: Response;
  try {
    response = await runtime.httpGet(objectUrl(location, id, access.tls), {
      headers: authHeaders(access.token),
      ca: access.ca,
    });
  } catch (e) {
    throw new ObjectFetchError(id, location, (e as Error).message);
  }
  if (!response.ok) {
    const why = response.status === 401 ? ` (${(await response.text()).trim()})` : "";
    if (response.status !== 401) await response.body?.cancel();
    throw new ObjectFetchError(id, location, `HTTP ${response.status}${why}`);
  }
  return { ...readObjectHeaders(response.headers), response };
}

/**
 * Fetches an object's whole data from a governor, hashing a blob's bytes as
 * they arrive and a dir's archive once it is complete, and checks the result
 * against the object's content hash (unless `RAIN_VERIFY=0`).
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @param access The data secret and transport.
 * @param expected The object's content hash as the server knows it; the
 *   holder's `x-rain-hash` header when absent.
 * @returns The bytes (a tar archive for a dir).
 * @throws {ObjectFetchError} When the governor cannot deliver it.
 * @throws {ObjectHashError} When the bytes do not match the hash.
 */
export async function fetchObjectBytes(
  location: string,
  id: Id,
  access: DataAccess,
  expected?: string,
): Promise<Uint8Array> {
  const opened = await openObject(location, id, access);
  const want = expected || opened.hash;
  const verify = verifyTransfers() && want !== "";
  const hasher = verify && opened.dataType === "blob" ? createContentHasher() : null;
  let bytes: Uint8Array;
  try {
    bytes = await readBody(opened, (chunk) => hasher?.update(chunk));
  } catch (e) {
    throw new ObjectFetchError(id, location, (e as Error).message);
  }
  if (verify) {
    const actual = hasher ? hasher.digest() : await hashTar(bytes);
    if (actual !== want) throw new ObjectHashError(id, location, want, actual);
  }
  return bytes;
}
/**
 * Whether a BYOB read hands its buffer over without copying it: where
 * `ArrayBuffer.prototype.transfer` is missing (Node 20), web streams copy the
 * whole buffer on every read.
 */
const CHEAP_TRANSFER = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer ===
  "function";

/**
 * Reads a byte stream of known length straight into the result with a BYOB
 * reader (no copy, and each read takes all that has arrived).
 *
 * @returns The bytes, or `null` when the stream is not a byte stream (or
 *   reading it so would copy more than it saves).
 */
async function readInto(
  body: ReadableStream<Uint8Array>,
  size: number,
  seen: (chunk: Uint8Array) => void,
): Promise<Uint8Array | null> {
  if (!CHEAP_TRANSFER) return null;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    return null;
  }
  let out = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const { value, done } = await reader.read(out.subarray(at));
    if (done) throw new Error(`${at} of ${size} bytes arrived`);
    seen(value);
    at += value.length;
    out = new Uint8Array(value.buffer); // the read transferred the buffer
  }
  if (!(await reader.read(new Uint8Array(1))).done) {
    throw new Error(`more than ${size} bytes arrived`);
  }
  return out;
}

/** Reads a response's body whole, handing each chunk to `seen` as it arrives. */
async function readBody(
  opened: OpenedObject,
  seen: (chunk: Uint8Array) => void,
): Promise<Uint8Array> {
  const body: ReadableStream<Uint8Array> = opened.response.body ?? new Blob().stream();
  if (Number.isFinite(opened.size)) {
    const direct = await readInto(body, opened.size, seen);
    if (direct) return direct;
    // Not a byte stream: its chunks are copied into the result.
    const out = new Uint8Array(opened.size);
    let at = 0;
    for await (const chunk of body) {
      seen(chunk);
      if (at + chunk.length > out.length) throw new Error(`more than ${out.length} bytes arrived`);
      out.set(chunk, at);
      at += chunk.length;
    }
    if (at !== out.length) throw new Error(`${at} of ${out.length} bytes arrived`);
    return out;
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    seen(chunk);
    chunks.push(chunk);
  }
  return concatBytesTs(chunks);
}
