/**
 * Where a governor serves object data and which address it registers, so
 * that clients and other governors on other machines reach it: by default
 * the interface it uses to reach the server.
 *
 * @module
 */
import { connect } from "node:net";
import {
  advertisedAddressProblem,
  formatAddress,
  type HostPort,
  isWildcard,
  parseAddress,
  plainIp,
} from "../common/address.ts";

/** How long finding the local address may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The local IP address of a TCP connection to the server: the interface
 * this machine uses to reach it (the connection is closed at once).
 *
 * @param server The server's host and port.
 * @returns The local address (IPv4-mapped addresses as plain IPv4).
 * @throws {Error} When the server cannot be reached (`code` from the OS, e.g. `ECONNREFUSED`).
 */
export function localAddressTowards(server: HostPort): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.hostname, port: server.port });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
      CONNECT_TIMEOUT_MS,
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      const local = socket.localAddress;
      socket.destroy();
      if (local) resolve(plainIp(local));
      else reject(new Error("the OS did not report the connection's local address"));
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** What the governor was told about its addresses. */
export interface AddressOptions {
  /** Where to bind (`--listen`); the host may be a wildcard. */
  listen?: { hostname?: string | undefined; port?: number | undefined } | undefined;
  /** What to register (`--advertise HOST[:PORT]`). */
  advertise?: string | undefined;
}

/** Where the data server binds, and how to make the registered address once it is bound. */
export interface AddressPlan {
  /** The address to bind. */
  bind: HostPort;
  /**
   * The address to register.
   *
   * @param boundPort The port the data server got.
   * @returns `host:port`.
   */
  advertised(boundPort: number): string;
}

/**
 * Works out the data server's bind address and the registered address:
 * `--advertise` when given (its port defaulting to the bound one); else the
 * bind host unless it is a wildcard; else `local`. The bind host defaults to
 * `local`, so a governor that reaches the server over a network interface
 * listens there and not on loopback.
 *
 * @example
 * ```ts
 * import { planAddresses } from "./address.ts";
 * const plan = planAddresses({}, "10.0.0.7");
 * plan.bind; // { hostname: "10.0.0.7", port: 0 }
 * plan.advertised(4100); // "10.0.0.7:4100"
 * ```
 *
 * @param options `--listen` and `--advertise`.
 * @param local The local address of the connection to the server.
 * @returns The plan.
 * @throws {RangeError} When the registered address would be unusable (wildcard, loopback
 *   while the server is reached over a network, no host), naming the option to give.
 */
export function planAddresses(options: AddressOptions, local: string): AddressPlan {
  const advertise = options.advertise === undefined
    ? undefined
    : parseAddress(options.advertise, 0);
  const bind = {
    hostname: options.listen?.hostname ?? local,
    port: options.listen?.port ?? advertise?.port ?? 0,
  };
  const host = advertise?.hostname ?? (isWildcard(bind.hostname) ? local : bind.hostname);
  /** `port` 0: not bound yet (any real port stands in for the check). */
  const check = (port: number) => {
    const address = formatAddress(host, port || 1);
    const problem = advertisedAddressProblem(address, local);
    if (problem) {
      const fix = options.advertise === undefined
        ? "give --advertise HOST[:PORT] (advertise in the API), an address others reach it at"
        : "give an address that others reach it at";
      const shown = port ? address : host;
      throw new RangeError(`Cannot register the governor as "${shown}": ${problem}; ${fix}`);
    }
    return address;
  };
  check(advertise?.port || bind.port);
  return {
    bind,
    advertised: (boundPort) => check(advertise?.port || boundPort),
  };
}
