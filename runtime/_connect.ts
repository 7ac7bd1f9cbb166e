/**
 * Helpers shared by the runtime seams for client connections and peer
 * addresses.
 *
 * @module
 */

/**
 * A peer's address as a host's connection info gives it, IPv4-mapped IPv6
 * addresses (`::ffff:127.0.0.1`) as plain IPv4.
 *
 * @param read Reads the address from the host's connection info (may throw
 *   when the host passed none).
 * @returns The address, or `"unknown"`.
 */
export function peerAddressOf(read: () => string | undefined): string {
  let address: string | undefined;
  try {
    address = read();
  } catch {
    // The host serving the app passed no connection info.
  }
  if (!address) return "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
