/**
 * Small helpers shared by the integration tests.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blob, type Session, type Task, tasks } from "../mod.ts";
import { objectUrl } from "../protocol/data_plane.ts";

/**
 * Polls a condition until it holds; fails after a timeout. For state that
 * changes on another connection (server, governor) and has no event to await.
 *
 * @param cond The condition.
 * @param what What is awaited, for the timeout error.
 * @param timeoutMs The timeout.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Polls a task's state until it is running.
 *
 * @param t The task, submitted.
 */
export async function untilRunning(t: Task): Promise<void> {
  await until(async () => {
    await t.update();
    return t.state === "running";
  }, `${t.description} to run`);
}

/** A temporary directory removed at disposal. */
export interface TempDir extends AsyncDisposable {
  /** Its path. */
  path: string;
}

/**
 * Makes a temporary directory.
 *
 * @returns The directory, for `await using`.
 */
export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), "rain-test-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Runs a trivial task in a session and waits for it: since the server talks
 * to each governor over one ordered connection, every message it sent to a
 * governor before (e.g. `free`) has been handled once this returns (with one
 * governor).
 *
 * @param session The session to run it in.
 */
export async function barrier(session: Session): Promise<void> {
  using _ = session.bindOnly();
  const t = tasks.concat([blob("barrier")]);
  await session.submit();
  await t.wait();
}

/**
 * HTTP status of an object on a governor's data server.
 *
 * @param governor The governor's `host:port`.
 * @param id The object id.
 * @returns The status code.
 */
export async function governorStatus(
  governor: string,
  id: readonly [number, number],
): Promise<number> {
  const res = await fetch(objectUrl(governor, id));
  await res.body?.cancel();
  return res.status;
}

/**
 * Milliseconds since `start`.
 *
 * @param start A `performance.now()` value.
 * @returns The elapsed time.
 */
export function since(start: number): number {
  return performance.now() - start;
}
