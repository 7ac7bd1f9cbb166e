/**
 * Network addresses as Rain writes them: `host:port`, with IPv6 hosts in
 * brackets (`[fd00::2]:7210`), and the address classes the governor and the
 * server reason about (loopback, wildcard).
 *
 * @module
 */

/** Default port of the server, as in Rain. */
export const DEFAULT_SERVER_PORT = 7210;

/** A host and a port. */
export interface HostPort {
  /** Host name or IP address (IPv6 without brackets). */
  hostname: string;
  /** Port number. */
  port: number;
}

/**
 * Parses `HOST[:PORT]` (`[IPV6][:PORT]` for IPv6 addresses).
 *
 * @example
 * ```ts
 * import { parseAddress } from "./address.ts";
 * parseAddress("node1", 7210); // { hostname: "node1", port: 7210 }
 * parseAddress("[fd00::1]:80", 7210); // { hostname: "fd00::1", port: 80 }
 * ```
 *
 * @param value The address.
 * @param defaultPort The port when none is given.
 * @returns Host and port.
 * @throws {RangeError} When the host is empty or the port is not 0..65535.
 */
export function parseAddress(value: string, defaultPort: number): HostPort {
  const invalid = (why: string) => new RangeError(`Invalid address "${value}": ${why}`);
  let hostname = value, portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  if (bracketed) [, hostname = "", portText] = bracketed;
  else if (value.split(":").length === 2) [hostname = "", portText] = value.split(":");
  // More than one colon and no brackets: a bare IPv6 address, no port.
  if (hostname === "") throw invalid("no host");
  if (/[\s/[\]]/.test(hostname)) throw invalid("expected HOST[:PORT]");
  if (portText === undefined) return { hostname, port: defaultPort };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw invalid(`port "${portText}" is not a number from 0 to 65535`);
  }
  return { hostname, port: Number(portText) };
}

/**
 * Writes a host and port as `host:port`, bracketing IPv6 hosts.
 *
 * @param hostname Host name or IP address.
 * @param port Port number.
 * @returns The address.
 */
export function formatAddress(hostname: string, port: number): string {
  return `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/**
 * An IP address as written by the OS, without an IPv4-mapped IPv6 prefix
 * (`::ffff:10.0.0.2` is `10.0.0.2`).
 *
 * @param ip The address.
 * @returns The plain address.
 */
export function plainIp(ip: string): string {
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
}

/**
 * Whether a host names this machine only (`localhost`, `127.0.0.0/8`, `::1`).
 *
 * @param hostname Host name or IP address.
 * @returns `true` for loopback.
 */
export function isLoopback(hostname: string): boolean {
  const h = plainIp(hostname).toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^127\./.test(h) || h === "::1";
}

/**
 * Whether a host is the wildcard address (`0.0.0.0`, `::`), which means
 * "every interface" to bind and nothing to connect to.
 *
 * @param hostname Host name or IP address.
 * @returns `true` for a wildcard.
 */
export function isWildcard(hostname: string): boolean {
  return hostname === "0.0.0.0" || /^[0:]+$/.test(hostname) && hostname.includes(":");
}

/**
 * The error of a failed bind, naming the address (runtimes word "address in
 * use" differently and not all name the address).
 *
 * @param e The runtime's error.
 * @param hostname The address bound.
 * @param port The port bound.
 * @returns An error `Cannot listen on "host:port": reason`, with `e` as its cause.
 */
export function listenError(e: unknown, hostname: string, port: number): Error {
  const err = e as Error & { code?: string };
  const reason = err.code === "EADDRINUSE"
    ? "address already in use"
    : err.code === "EADDRNOTAVAIL"
    ? "no such address on this machine"
    : err.code === "EACCES"
    ? "permission denied"
    : err.message;
  return Object.assign(
    new Error(`Cannot listen on "${formatAddress(hostname, port)}": ${reason}`, { cause: e }),
    { code: err.code },
  );
}

/**
 * Why a governor's advertised address cannot be used by the rest of the
 * cluster, or `null` when it can: it must be `host:port` with a real port,
 * not a wildcard, and not loopback unless the governor itself reaches the
 * server over loopback (then everything runs on one machine).
 *
 * @example
 * ```ts
 * import { advertisedAddressProblem } from "./address.ts";
 * advertisedAddressProblem("127.0.0.1:4000", "10.0.0.7"); // "a loopback address, but ..."
 * advertisedAddressProblem("10.0.0.7:4000", "10.0.0.7"); // null
 * ```
 *
 * @param address The advertised `host:port`.
 * @param peer The governor's address as the server sees it (`"unknown"` if not known).
 * @returns The reason, or `null`.
 */
export function advertisedAddressProblem(address: string, peer: string): string | null {
  let hostPort: HostPort;
  try {
    hostPort = parseAddress(address, 0);
  } catch (e) {
    return (e as Error).message;
  }
  const { hostname, port } = hostPort;
  if (port === 0) return "no port (expected HOST:PORT of the governor's data server)";
  if (isWildcard(hostname)) {
    return "a wildcard address, which means every interface and is nothing to connect to";
  }
  if (isLoopback(hostname) && peer !== "unknown" && !isLoopback(peer)) {
    return `a loopback address, but the governor reaches the server from ${plainIp(peer)}, ` +
      "so other machines could not reach it";
  }
  return null;
}
