/**
 * Fetching an input object straight from the governor that holds it. Large
 * blobs stream to disk and never sit in memory whole.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import { type DataAccess, requestObject } from "../common/data_access.ts";
import { CONTENT_TYPE_HEADER, DATA_TYPE_HEADER } from "./data_server.ts";
import { MEMORY_LIMIT, type ObjectStore, type StoredObject } from "./store.ts";

/** An input could not be fetched from the governor that was to hold it. */
export class InputFetchError extends Error {
  /**
   * @param id The input's id.
   * @param source The governor (`host:port`) it was to come from.
   * @param cause What went wrong.
   */
  constructor(readonly id: Id, readonly source: string, cause: string) {
    super(`Cannot fetch input object ${formatId(id)} from governor ${source}: ${cause}`);
    this.name = "InputFetchError";
  }
}

/**
 * Fetches an object from another governor into the store.
 *
 * @param store The store.
 * @param id The object's id.
 * @param source The holder's `host:port`.
 * @param access The data secret and transport.
 * @returns The stored object.
 * @throws {InputFetchError} When the holder cannot deliver it.
 */
export async function fetchObject(
  store: ObjectStore,
  id: Id,
  source: string,
  access: DataAccess,
): Promise<StoredObject> {
  let res: Response;
  try {
    res = await requestObject(source, id, access);
  } catch (e) {
    throw new InputFetchError(id, source, (e as Error).message);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new InputFetchError(id, source, `HTTP ${res.status}`);
  }
  const contentType = res.headers.get(CONTENT_TYPE_HEADER) ?? "";
  const size = Number(res.headers.get("content-length") ?? NaN);
  try {
    if (res.headers.get(DATA_TYPE_HEADER) === "dir") {
      return await store.putTar(id, new Uint8Array(await res.arrayBuffer()), contentType);
    }
    if (size <= MEMORY_LIMIT) {
      return await store.putBytes(id, new Uint8Array(await res.arrayBuffer()), contentType);
    }
    return await store.putStream(id, res.body!, contentType);
  } catch (e) {
    throw new InputFetchError(id, source, (e as Error).message);
  }
}
