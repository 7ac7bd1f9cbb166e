/**
 * Fetching an input object straight from the governor that holds it, over
 * the object data plane (`protocol/data_plane.ts`). Large blobs stream to
 * disk and never sit in memory whole.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import { ObjectFetchError, type OpenedObject, openObject } from "../protocol/data_plane.ts";
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
 * @returns The stored object.
 * @throws {InputFetchError} When the holder cannot deliver it.
 */
export async function fetchObject(
  store: ObjectStore,
  id: Id,
  source: string,
): Promise<StoredObject> {
  let opened: OpenedObject;
  try {
    opened = await openObject(source, id);
  } catch (e) {
    throw new InputFetchError(id, source, e instanceof ObjectFetchError ? e.reason : String(e));
  }
  const { response, contentType } = opened;
  try {
    if (opened.dataType === "dir") {
      return await store.putTar(id, new Uint8Array(await response.arrayBuffer()), contentType);
    }
    if (opened.size <= MEMORY_LIMIT) {
      return await store.putBytes(id, new Uint8Array(await response.arrayBuffer()), contentType);
    }
    return await store.putStream(id, response.body!, contentType);
  } catch (e) {
    throw new InputFetchError(id, source, (e as Error).message);
  }
}
