/**
 * Retrying with exponential backoff, for a governor waiting for its server:
 * quick at first (a restarted server is back within a second), then every
 * few seconds, logging a failed attempt at most every few seconds.
 *
 * @module
 */

/** How a {@linkcode retry} waits and reports. */
export interface RetryOptions {
  /** Stops retrying (rejects with the signal's reason). */
  signal: AbortSignal;
  /** Log sink for failed attempts. */
  log(message: string): void;
  /** Whether an error ends the retrying (thrown on). */
  fatal(error: unknown): boolean;
  /** First delay (ms). @default {200} */
  initialDelayMs?: number;
  /** Longest delay (ms). @default {3000} */
  maxDelayMs?: number;
  /** Least time (ms) between two log lines. @default {5000} */
  logEveryMs?: number;
}

/**
 * Calls `attempt` until it succeeds, waiting longer after each failure.
 *
 * @param attempt One attempt.
 * @param options Backoff, logging and when to give up.
 * @returns What the first successful attempt returned.
 * @throws The first fatal error, or the signal's reason once aborted.
 */
export async function retry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal, log } = options;
  const maxDelay = options.maxDelayMs ?? 3000;
  const logEvery = options.logEveryMs ?? 5000;
  let delay = options.initialDelayMs ?? 200;
  let lastLog = -Infinity;
  for (let n = 1;; n++) {
    signal.throwIfAborted();
    try {
      return await attempt();
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (options.fatal(e)) throw e;
      if (Date.now() - lastLog >= logEvery) {
        lastLog = Date.now();
        log(
          `${(e as Error).message} (attempt ${n}; retrying every ${maxDelay / 1000} s at most)`,
        );
      }
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
