/**
 * Downloads object data straight from the governor that holds it.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";

/**
 * Fetches an object's bytes from a governor.
 *
 * @param location The governor's `host:port`.
 * @param id The object's id.
 * @returns The bytes (a tar archive for a dir).
 */
export async function fetchFromGovernor(location: string, id: Id): Promise<Uint8Array> {
  const res = await fetch(`http://${location}/objects/${id[0]}/${id[1]}`);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(
      `Cannot fetch object ${formatId(id)} from governor ${location}: HTTP ${res.status}`,
    );
  }
  return new Uint8Array(await res.arrayBuffer());
}
