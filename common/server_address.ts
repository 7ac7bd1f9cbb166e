/**
 * Parsing the server address that clients and governors are given:
 * `host`, `host:port`, or a URL whose scheme says whether to use TLS
 * (`wss://` or `https://`; `ws://` or `http://` for plain).
 *
 * @module
 */

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
  tls?: boolean;
}

/**
 * Parses a server address.
 *
 * @param value `host`, `host:port`, `[v6]:port` or `scheme://host:port`.
 * @param port A port given separately (overrides one in `value`).
 * @returns The parsed address.
 * @throws {TypeError} When it cannot be parsed.
 */
export function parseServerAddress(value: string, port?: number): ServerAddress {
  const m = /^(?:(wss|https|ws|http):\/\/)?(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?\/?$/i.exec(value);
  if (!m) throw new TypeError(`Invalid server address "${value}": expected host:port`);
  const scheme = m[1]?.toLowerCase();
  const p = port ?? (m[3] === undefined ? DEFAULT_PORT : Number(m[3]));
  if (!Number.isInteger(p) || p < 1 || p > 65535) {
    throw new TypeError(`Invalid port in server address "${value}"`);
  }
  const host = m[2]!.replace(/^\[|\]$/g, "");
  return {
    host,
    port: p,
    address: `${host.includes(":") ? `[${host}]` : host}:${p}`,
    tls: scheme === undefined ? undefined : scheme === "wss" || scheme === "https",
  };
}
