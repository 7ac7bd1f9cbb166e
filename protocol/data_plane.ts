/**
 * The object data plane: governors serve the data of the objects they hold
 * over HTTP (`GET /objects/:session/:n`), and clients and other governors
 * fetch it straight from there. This module is the one place that knows the
 * URL, the headers and how to fetch; the governor's route
 * (`governor/data_server.ts`), the governor's input transfers, the client's
 * `fetch()` and the tests all go through it.
 *
 * A response carries the bytes of a blob, or a directory packed as a tar
 * archive, with the object's run-time content type and its data type in
 * headers; a blob's response has a `content-length`.
 *
 * @module
 */
import { type DataType, formatId, type Id } from "../common/attributes.ts";

/** The Hono route pattern of an object's data on a governor. */
export const OBJECT_ROUTE = "/objects/:session/:n";

/** Header carrying an object's run-time content type. */
export const CONTENT_TYPE_HEADER = "x-rain-content-type";

/** Header carrying an object's data type (`"blob"` or `"dir"`). */
export const DATA_TYPE_HEADER = "x-rain-data-type";

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
 * @returns The URL.
 */
export function objectUrl(location: string, id: Readonly<Id>): string {
  return `http://${location}/objects/${id[0]}/${id[1]}`;
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
}

/**
 * The headers of an object's response.
 *
 * @param meta The object's content type, data type and (for a blob) size.
 * @returns The headers.
 */
export function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    [CONTENT_TYPE_HEADER]: meta.contentType,
    [DATA_TYPE_HEADER]: meta.dataType,
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
 * @returns The object's content type, data type and size.
 */
export function readObjectHeaders(headers: Headers): ObjectMeta {
  return {
    contentType: headers.get(CONTENT_TYPE_HEADER) ?? "",
    dataType: headers.get(DATA_TYPE_HEADER) === "dir" ? "dir" : "blob",
    size: Number(headers.get("content-length") ?? NaN),
  };
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
 * @returns The opened response.
 * @throws {ObjectFetchError} When the governor cannot be reached or does not have the object.
 */
export async function openObject(location: string, id: Id): Promise<OpenedObject> {
  let response: Response;
  try {
    response = await fetch(objectUrl(location, id));
  } catch (e) {
    throw new ObjectFetchError(id, location, (e as Error).message);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ObjectFetchError(id, location, `HTTP ${response.status}`);
  }
  return { ...readObjectHeaders(response.headers), response };
}

/**
 * Fetches an object's whole data from a governor.
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @returns The bytes (a tar archive for a dir).
 * @throws {ObjectFetchError} When the governor cannot deliver it.
 */
export async function fetchObjectBytes(location: string, id: Id): Promise<Uint8Array> {
  const { response } = await openObject(location, id);
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new ObjectFetchError(id, location, (e as Error).message);
  }
}
