/**
 * Helpers shared by the runtime seams for client connections and peer
 * addresses.
 *
 * @module
 */
import type { ConnectOptions } from "./types.ts";

/**
 * Options of the `ws` package's client for {@linkcode ConnectOptions}.
 *
 * @param options Headers and trusted CA.
 * @returns `ws` client options.
 */
export function wsOptions(options: ConnectOptions = {}): {
  headers?: Record<string, string>;
  ca?: string;
} {
  const o: { headers?: Record<string, string>; ca?: string } = {};
  if (options.headers !== undefined) o.headers = options.headers;
  if (options.ca !== undefined) o.ca = options.ca;
  return o;
}

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
