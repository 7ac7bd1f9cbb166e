/**
 * Rain's side of each workload of `deno task bench`, run by a client that
 * connects to a cluster started with the command line. Each function runs
 * the workload once and returns its figure.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { blob, type Client, type DataObject, Input, remote, type Task, tasks } from "../mod.ts";

/** Most tasks per submit of the memory workload (1,000,000 tasks are 10 submits of 100,000). */
const MEMORY_SUBMIT = 100_000;

/**
 * Independent trivial tasks (concat of two small constants) in one submit.
 *
 * @param client A connected client.
 * @param n How many tasks.
 * @returns Tasks per second, graph building included.
 */
export async function independent(client: Client, n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/independent" });
  const start = performance.now();
  const a = blob("Hello ");
  const b = blob("world!");
  for (let i = 0; i < n; i++) tasks.concat([a, b]);
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

/** Builds a binary concat tree over `count + 1` leaves: exactly `count` concat tasks. */
function concatTree(count: number): Task {
  let level: (DataObject | Task)[] = Array.from({ length: count + 1 }, () => blob("x"));
  while (level.length > 1) {
    const next: (DataObject | Task)[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(tasks.concat([level[i]!, level[i + 1]!]));
    }
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0] as Task;
}

/**
 * A binary concat tree, its root fetched.
 *
 * @param client A connected client.
 * @param n How many concat tasks.
 * @returns Tasks per second.
 */
export async function tree(client: Client, n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/tree" });
  const start = performance.now();
  const root = concatTree(n);
  root.keepOutputs();
  await session.submit();
  const data = await root.output.fetch();
  if (data.bytes().length !== n + 1) throw new Error("Wrong tree result");
  return n / ((performance.now() - start) / 1000);
}

/**
 * Sequential one-task submit→fetch round trips.
 *
 * @param client A connected client.
 * @param rounds How many.
 * @returns Milliseconds per round trip.
 */
export async function roundTrips(client: Client, rounds: number): Promise<number> {
  await using session = client.newSession({ name: "bench/roundtrip" });
  const start = performance.now();
  const a = blob("Hello ");
  a.keep();
  for (let i = 0; i < rounds; i++) {
    const t = tasks.concat([a, a]);
    t.output.keep();
    await session.submit();
    const data = await t.output.fetch();
    if (data.bytes().length !== 12) throw new Error("Wrong round-trip result");
    await t.output.unkeep();
  }
  return (performance.now() - start) / rounds;
}

const inc = remote((_ctx, x: number) => String(x + 1));

/**
 * Trivial remote-function tasks.
 *
 * @param client A connected client.
 * @param n How many tasks.
 * @returns Tasks per second (the first run is the executors' first real tasks: the governor
 *   started and warmed them up before it joined).
 */
export async function remoteTasks(client: Client, n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/remote" });
  const start = performance.now();
  for (let i = 0; i < n; i++) inc(i);
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

/**
 * `tasks.execute("true")` tasks.
 *
 * @param client A connected client.
 * @param n How many tasks.
 * @returns Tasks per second.
 */
export async function executeTasks(client: Client, n: number): Promise<number> {
  await using session = client.newSession({ name: "bench/execute" });
  const start = performance.now();
  for (let i = 0; i < n; i++) tasks.execute("true");
  await session.submit();
  await session.waitAll();
  return n / ((performance.now() - start) / 1000);
}

/** A task that makes a sparse file of `mib` MiB as its output. */
const bigFile = (mib: number) =>
  tasks.execute(`truncate -s ${mib * 1024 * 1024} big`, { shell: true, outputPaths: ["big"] });

/**
 * Moves a blob from one governor to another (1-cpu governors, so the two
 * producers land on different ones; the reader goes where most of its input
 * bytes are, and fetches the other blob).
 *
 * @param client A connected client.
 * @param mib The blob's size.
 * @returns MiB per second of the reader's run, which fetches its input.
 */
export async function governorToGovernor(client: Client, mib: number): Promise<number> {
  await using session = client.newSession({ name: "bench/transfer" });
  const moved = bigFile(mib);
  const local = bigFile(mib + 64);
  const reader = tasks.execute("true", {
    inputPaths: [
      new Input("a", { path: "a", dataobj: moved }),
      new Input("b", { path: "b", dataobj: local }),
    ],
  });
  await session.submit();
  await session.wait([moved, local, reader]);
  if (reader.info!.governor === moved.info!.governor) {
    throw new Error("No transfer happened: the reader ran where its input was made");
  }
  return mib / (reader.info!.duration / 1000);
}

/**
 * Fetches a blob from a governor into this client.
 *
 * @param client A connected client.
 * @param mib The blob's size.
 * @returns MiB per second of `fetch()`.
 */
export async function governorToClient(client: Client, mib: number): Promise<number> {
  await using session = client.newSession({ name: "bench/fetch" });
  const made = bigFile(mib);
  made.output.keep();
  await session.submit();
  await made.wait();
  const start = performance.now();
  const data = await made.output.fetch();
  const seconds = (performance.now() - start) / 1000;
  if (data.bytes().length !== mib * 1024 * 1024) throw new Error("Short fetch");
  return mib / seconds;
}

/**
 * Reads a process's resident set size.
 *
 * @param pid The process.
 * @returns RSS in MB (10^6 bytes).
 */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`Cannot read the RSS of process ${pid}`);
  return Number(kb[1]) * 1024 / 1e6;
}

/**
 * Runs trivial tasks in a new session that stays open (in 10 submits of at
 * most 100,000 tasks, each waited for), and measures the server's RSS growth.
 *
 * @param client A connected client.
 * @param n How many tasks.
 * @param serverPid The server's process.
 * @param open Receives the session, which the caller closes later.
 * @returns The growth of the server's RSS, in MB per 1,000,000 finished tasks.
 */
export async function serverMemory(
  client: Client,
  n: number,
  serverPid: number,
  open: { close(): Promise<void> }[],
): Promise<number> {
  const before = await rssMb(serverPid);
  const session = client.newSession({ name: "bench/memory" });
  open.push(session); // still the active session: newSession pushed it
  const size = Math.min(MEMORY_SUBMIT, Math.ceil(n / 10));
  for (let done = 0; done < n;) {
    const count = Math.min(size, n - done);
    // Constants of their own: a later submit cannot use objects submitted without keep().
    const a = blob("Hello ");
    const b = blob("world!");
    for (let i = 0; i < count; i++) tasks.concat([a, b]);
    await session.submit();
    await session.waitAll();
    done += count;
  }
  return (await rssMb(serverPid) - before) * 1e6 / n;
}
