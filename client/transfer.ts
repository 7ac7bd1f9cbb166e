/**
 * Downloads object data straight from the governor that holds it.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import { type DataAccess, requestObject } from "../common/data_access.ts";

/**
 * Fetches an object's bytes from a governor.
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @param access The data secret and transport from the connection.
 * @returns The bytes (a tar archive for a dir).
 */
export async function fetchFromGovernor(
  location: string,
  id: Id,
  access: DataAccess,
): Promise<Uint8Array> {
  const res = await requestObject(location, id, access);
  if (!res.ok) {
    const why = res.status === 401 ? ` (${(await res.text()).trim()})` : "";
    if (res.status !== 401) await res.body?.cancel();
    throw new Error(
      `Cannot fetch object ${formatId(id)} from governor ${location}: HTTP ${res.status}${why}`,
    );
  }
  return new Uint8Array(await res.arrayBuffer());
}
