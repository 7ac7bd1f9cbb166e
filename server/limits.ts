/**
 * The server's limits: bounds on what one peer may make the server hold, so
 * that a buggy or hostile client or governor gets a clear error and every
 * other session goes on untouched.
 *
 * @module
 */

/** Limits of a server; each has a default. */
export interface ServerLimits {
  /**
   * Open WebSocket connections (clients and governors together) from one
   * peer address; the one over it is closed with code 4429 and the reason.
   * @default {1024}
   */
  connectionsPerAddress: number;
  /**
   * Sessions one client connection may have open (failed ones count until
   * closed); `newSession` over it is refused with code `LIMIT`.
   * @default {1000}
   */
  sessionsPerClient: number;
  /**
   * Tasks in one submit (all its parts); a larger submit fails its session.
   * @default {2_000_000}
   */
  tasksPerSubmit: number;
  /**
   * Objects in one submit (all its parts); a larger submit fails its session.
   * @default {4_000_000}
   */
  objectsPerSubmit: number;
  /**
   * Bytes of constant data in one submit (all its parts); a larger submit
   * fails its session. One part is also bounded by the 64 MiB frame limit.
   * @default {64 MiB}
   */
  constantBytesPerSubmit: number;
  /**
   * Malformed frames a connection may send: each gets a protocol error, and
   * the one reaching this count also closes the connection. 1 closes a
   * connection at its first malformed frame.
   * @default {1}
   */
  malformedFrames: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  connectionsPerAddress: 1024,
  sessionsPerClient: 1000,
  tasksPerSubmit: 2_000_000,
  objectsPerSubmit: 4_000_000,
  constantBytesPerSubmit: 64 * 1024 * 1024,
  malformedFrames: 1,
});

/**
 * Fills in the defaults of the limits not given and checks the given ones.
 *
 * @param limits Limits to change.
 * @returns Every limit.
 * @throws {RangeError} Naming a limit that is not a positive integer.
 */
export function resolveLimits(limits: Partial<ServerLimits> = {}): ServerLimits {
  const all = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`Unknown server limit "${key}"`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`Server limit ${key} must be a positive integer, got ${value}`);
    }
    all[key as keyof ServerLimits] = value;
  }
  return all;
}
