/**
 * Formats a request's peer address from Hono's connection info, shared by
 * the runtime seams.
 *
 * @module
 */

/**
 * Formats the peer of a request as `host:port`.
 *
 * @param remote Reads Hono's `getConnInfo(c).remote`; may throw when the host
 *   serving the app passes no connection info (an embedding host).
 * @returns `host:port`, or `""` when unknown.
 */
export function peer(remote: () => { address?: string; port?: number }): string {
  try {
    const r = remote();
    if (!r.address) return "";
    const host = r.address.includes(":") ? `[${r.address}]` : r.address;
    return r.port ? `${host}:${r.port}` : host;
  } catch {
    return "";
  }
}
