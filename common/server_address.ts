/**
 * Parsing the server address that clients and governors are given:
 * `host`, `host:port`, or a URL whose scheme says whether to use TLS
 * (`wss://` or `https://`; `ws://` or `http://` for plain).
 *
 * @module
 */
import { formatAddress, parseAddress } from "./address.ts";

/** Default port of the server, as in Rain. */
export const DEFAULT_PORT = 7210;

/** A server address, parsed. */
export interface ServerAddress {
  /** Host name or IP (IPv6 without brackets). */
  host: string;
  /** Port. */
  port: number;
  /** `host:port` (IPv6 in brackets), as it goes into URLs. */
  address: string;
  /** Whether the scheme asked for TLS (`undefined` without a scheme). */
  tls?: boolean | undefined;
}

/**
 * Parses a server address.
 *
 * @example
 * ```ts
 * import { parseServerAddress } from "./server_address.ts";
 * parseServerAddress("wss://rain.example.org"); // { host: "rain.example.org", port: 7210, tls: true, ... }
 * ```
 *
 * @param value `host`, `host:port`, `[v6]:port`, each optionally after `scheme://`.
 * @param port A port given separately (overrides one in `value`).
 * @returns The parsed address.
 * @throws {RangeError} When it cannot be parsed.
 */
export function parseServerAddress(value: string, port?: number): ServerAddress {
  const scheme = /^(wss|https|ws|http):\/\//i.exec(value);
  const rest = value.slice(scheme?.[0].length ?? 0).replace(/\/$/, "");
  const parsed = parseAddress(rest, DEFAULT_PORT);
  const p = port ?? parsed.port;
  if (!Number.isInteger(p) || p < 1 || p > 65535) {
    throw new RangeError(`Invalid server address "${value}": port ${p} is not 1 to 65535`);
  }
  const s = scheme?.[1]?.toLowerCase();
  return {
    host: parsed.hostname,
    port: p,
    address: formatAddress(parsed.hostname, p),
    tls: s === undefined ? undefined : s === "wss" || s === "https",
  };
}
