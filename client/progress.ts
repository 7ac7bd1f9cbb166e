/**
 * A session's progress as its tasks run: counts of tasks per state, read
 * from the server at most every `intervalMs` and handed on when they
 * changed, until every submitted task has finished or the session failed.
 *
 * @module
 */
import type { ProgressReply } from "../protocol/client_replies.ts";

/** A session's tasks per state at one moment. */
export interface Progress {
  /** Tasks whose inputs are not all finished. */
  waiting: number;
  /** Tasks waiting for a governor. */
  ready: number;
  /** Tasks on a governor (assigned or running). */
  running: number;
  /** Tasks finished. */
  finished: number;
  /** Tasks failed. */
  failed: number;
  /** Tasks submitted. */
  total: number;
  /** Whether this is the last report: every task finished, or the session failed. */
  done: boolean;
  /** The session's state: `open` or `failed`. */
  state: "open" | "failed";
}

/** Options of `session.progress()` and `session.onProgress()`. */
export interface ProgressOptions {
  /** Least time between two reads of the server (ms). @default {250} */
  intervalMs?: number;
  /** Stops the reports early. */
  signal?: AbortSignal;
}

/** Default time between two reads of the server. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Turns the server's counts into a progress report.
 *
 * @param r The server's reply.
 * @returns The report.
 */
export function toProgress(r: ProgressReply): Progress {
  const total = r.waiting + r.ready + r.running + r.finished + r.failed;
  const done = r.state === "failed" || r.waiting + r.ready + r.running === 0;
  return { ...r, total, done };
}

/**
 * Reports progress: the first read at once, then each change, the last one
 * with `done: true`.
 *
 * @param read Reads the counts from the server (after pending submits).
 * @param options Interval and abort signal.
 * @yields Progress reports.
 */
export async function* progressReports(
  read: () => Promise<ProgressReply>,
  options: ProgressOptions = {},
): AsyncGenerator<Progress> {
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  let last = "";
  for (;;) {
    const started = Date.now();
    const p = toProgress(await read());
    const key = `${p.waiting},${p.ready},${p.running},${p.finished},${p.failed},${p.state}`;
    if (key !== last || p.done) yield p;
    last = key;
    if (p.done || options.signal?.aborted) return;
    const wait = Math.max(0, started + interval - Date.now());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        resolve();
      }
      options.signal?.addEventListener("abort", done, { once: true });
    });
    if (options.signal?.aborted) return;
  }
}
