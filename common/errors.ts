/**
 * Errors that callers act on.
 *
 * @module
 */

/** A session failed because one of its tasks failed; carries the task's error. */
export class SessionFailedError extends Error {
  /** Stable error code. */
  readonly code = "SESSION_FAILED";
  /**
   * Makes the error a failed session's uses throw.
   *
   * @param message The failing task's error, prefixed with the session.
   * @param options Standard error options.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SessionFailedError";
  }
}

/** A message on the wire broke the protocol. */
export class ProtocolError extends Error {
  /** Stable error code. */
  readonly code = "PROTOCOL";
  /**
   * Makes a protocol error.
   *
   * @param message What was wrong with the message.
   */
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** The server refused a request (bad id, closed session, ...). */
export class RainError extends Error {
  /**
   * Makes the error of a refused request.
   *
   * @param message What went wrong.
   * @param code A stable machine-readable code.
   */
  constructor(message: string, readonly code: string = "RAIN") {
    super(message);
    this.name = "RainError";
  }
}
