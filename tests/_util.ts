/**
 * Small helpers shared by the integration tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blob, type Session, type Task, tasks } from "../mod.ts";
import { authHeaders } from "../common/auth.ts";
import { decodeFrame, encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { runtime } from "../runtime/mod.ts";
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

/** A server a test talks to: its address and secret. */
export interface ServerAccess {
  /** `host:port`. */
  address: string;
  /** The server's secret. */
  token: string;
}

/**
 * The governors' data secret, as an authenticated client gets it: from the
 * server's `welcome` on `/ws/client`.
 *
 * @param server The server.
 * @returns The data secret (`""` when the server runs without authentication).
 */
export async function dataToken(server: ServerAccess): Promise<string> {
  const ws = runtime.connectWebSocket(`ws://${server.address}/ws/client`, {
    headers: authHeaders(server.token),
  });
  const welcome = new Promise<string>((resolve, reject) => {
    ws.onMessage = (data) => {
      const [m] = decodeFrame(data) as { type: string; dataToken?: string; message?: string }[];
      if (m?.type === "welcome") resolve(m.dataToken ?? "");
      else reject(new Error(`Expected welcome, got ${JSON.stringify(m)}`));
    };
    ws.onClose = (reason) => reject(new Error(`Closed before welcome: ${reason}`));
  });
  try {
    await ws.opened;
    ws.send(encodeFrame([{ type: "hello", version: PROTOCOL_VERSION }]));
    return await welcome;
  } finally {
    ws.close();
  }
}

/**
 * HTTP status of an object on a governor's data server, asked with the data
 * secret.
 *
 * @param server The cluster's server (for the data secret).
 * @param governor The governor's `host:port`.
 * @param id The object id.
 * @returns The status code.
 */
export async function governorStatus(
  server: ServerAccess,
  governor: string,
  id: readonly [number, number],
): Promise<number> {
  const res = await fetch(objectUrl(governor, id), {
    headers: authHeaders(await dataToken(server)),
  });
  await res.body?.cancel();
  return res.status;
}

/**
 * Settles as `p` does, or rejects when that takes longer than `ms`: for a
 * promise that a bug would leave pending, so that the test fails instead of
 * hanging.
 *
 * @param p The promise.
 * @param ms The time limit.
 * @param what What is awaited, for the error.
 * @returns What `p` resolves to.
 */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a concat of the parts in a session, keeping its output, and checks
 * that the fetched result is the parts joined: work runs end to end (client,
 * server, governor, data plane).
 *
 * @example
 * ```ts ignore
 * await using session = client.newSession();
 * const t = await checkConcat(session, "Hello ", "world!");
 * ```
 *
 * @param session The session (kept open by the caller, with the output).
 * @param parts The strings to concatenate, each a blob.
 * @returns The task, its output fetched.
 */
export async function checkConcat(session: Session, ...parts: string[]): Promise<Task> {
  const t = tasks.concat(parts.map((p) => blob(p)));
  t.output.keep();
  await session.submit();
  assert.equal((await t.output.fetch()).text(), parts.join(""));
  return t;
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

/**
 * A seeded xorshift32 generator, so failures reproduce.
 *
 * @param seed The seed (0 counts as 1).
 * @returns A function giving the next number in [0, 1).
 */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
