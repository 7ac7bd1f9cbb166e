/**
 * Fetching an input object straight from the governor that holds it, over
 * the object data plane (`protocol/data_plane.ts`). Large blobs stream to
 * disk and never sit in memory whole.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import {
  type DataAccess,
  ObjectFetchError,
  type OpenedObject,
  openObject,
} from "../protocol/data_plane.ts";
import type { ObjectStore, StoredObject } from "./store.ts";
import { verifyTransfers } from "../common/content_hash.ts";

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
 * Fetches an object from another governor into the store, hashing it as it
 * arrives (a blob as its bytes are written, a dir once unpacked) and checking
 * it against the hash the holder recorded when the object was made: a copy
 * that does not match is dropped, and the fetch fails, naming the object, so
 * that the server takes the copy at the holder for lost too.
 *
 * @param store The store.
 * @param id The object's id.
 * @param source The holder's `host:port`.
 * @param access The data secret and transport.
 * @returns The stored object.
 * @throws {InputFetchError} When the holder cannot deliver it, or its bytes
 *   do not match the object's hash.
 */
export async function fetchObject(
  store: ObjectStore,
  id: Id,
  source: string,
  access: DataAccess,
): Promise<StoredObject> {
  let opened: OpenedObject;
  try {
    opened = await openObject(source, id, access);
  } catch (e) {
    throw new InputFetchError(id, source, e instanceof ObjectFetchError ? e.reason : String(e));
  }
  const { response, contentType, hash: expected } = opened;
  if (!expected) throw new InputFetchError(id, source, "the response carries no content hash");
  // Without verification the holder's hash is taken as it is, and nothing is hashed.
  const known = verifyTransfers() ? undefined : expected;
  let obj: StoredObject;
  try {
    if (opened.dataType === "dir") obj = await store.putTar(id, response.body!, contentType, known);
    else if (opened.size <= store.limits.inMemoryBytes) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      obj = await store.putBytes(id, bytes, contentType, known);
    } else obj = await store.putStream(id, response.body!, contentType, known);
  } catch (e) {
    // This governor's disk failing is this task's failure, not a sign that the holder lost it.
    if (LOCAL_WRITE_ERRORS.has((e as { cause?: { code?: string } }).cause?.code ?? "")) throw e;
    throw new InputFetchError(id, source, (e as Error).message);
  }
  if (obj.info.hash !== expected) {
    store.remove(id);
    throw new InputFetchError(
      id,
      source,
      `its data does not match its hash (expected ${expected}, got ${obj.info.hash}); ` +
        "the copy was dropped",
    );
  }
  return obj;
}

/** Codes of errors writing into this governor's store. */
const LOCAL_WRITE_ERRORS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO"]);
