/**
 * What the server's handler of one connection (a client's or a governor's)
 * knows besides the coordinator.
 *
 * @module
 */
import type { ServerLimits } from "./limits.ts";

/** The context of one accepted connection. */
export interface PeerContext {
  /**
   * The secret of the governors' object data servers, handed to an
   * authenticated peer at its handshake; `null` with authentication off.
   */
  dataToken: string | null;
  /** The server's limits. */
  limits: ServerLimits;
  /** Log sink. */
  log: (message: string) => void;
  /** The peer's address, for log lines. */
  peer: string;
}
