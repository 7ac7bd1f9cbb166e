/**
 * {@linkcode Runtime.spawn} through a few worker threads.
 *
 * Starting a process blocks the thread that starts it until the child has
 * exec'd; on a governor running many short programs that was over half of
 * its main thread's time, during which it could not take messages, report
 * finished tasks or start the next one. A worker thread (see
 * `_deno_spawn_worker.ts`) starts each program and handles its stdio, so
 * the main thread only sends a request and receives the outcome, and
 * several spawns can run in parallel. Stopping a program (its whole tree,
 * see `_process_tree.ts`) stays on the main thread, by the pid the worker
 * puts in shared memory as soon as the program started.
 *
 * The workers start with the governor ({@linkcode SpawnPool.prepare}) or at
 * the first spawns; each program goes to the worker following the fewest,
 * and an idle pool never keeps the process alive.
 *
 * @module
 */
import process from "node:process";
import { Worker } from "node:worker_threads";
import type { SpawnOptions, SpawnResult } from "./types.ts";
import { canTrackTrees, killTree, newTag } from "./_process_tree.ts";

/**
 * Most programs one pool follows at once (one pid cell each): far above the
 * cpus of the governors in one process, as each program holds at least one.
 */
const CELLS = 4096;

/** What the main thread asks a spawn worker to run. */
export interface SpawnRequest {
  /** Matches the reply to the request. */
  id: number;
  /**
   * The request's cell in the pool's shared `Int32Array`: `0` until the
   * program started, then its pid; `-1` when it is to be stopped (whoever
   * finds the other's value there stops it, so a stop is never lost).
   */
  cell: number;
  /** The program. */
  cmd: string;
  /** Its arguments. */
  args: string[];
  /** Working directory. */
  cwd: string;
  /** A file fed to stdin. */
  stdin: string | undefined;
  /** A file that receives stdout. */
  stdout: string | undefined;
  /** The program's tag (`RAIN_PROGRAM`), or `""` to give it a process group instead. */
  tag: string;
}

/**
 * A spawn worker's reply: how the program ended, or why it could not start;
 * or, first, that it listens (messages sent before are lost when its module
 * is imported from a remote URL).
 */
export type SpawnReply =
  | { ready: true }
  | { id: number; code: number; signal: string | null; stderr: Uint8Array }
  | { id: number; error: { message: string; code: string | undefined } };

/** The message that starts a worker: the pool's pid cells. */
export interface SpawnWorkerData {
  /** The shared `Int32Array` of {@linkcode SpawnRequest.cell}s. */
  cells: Int32Array;
}

/** One worker thread and how many of its programs have not ended. */
interface Slot {
  worker: Worker;
  running: number;
  /** Requests held until the worker says it listens (`null` once it does). */
  held: SpawnRequest[] | null;
}

/** A request waiting for its reply. */
interface Pending {
  slot: Slot;
  cell: number;
  tag: string;
  /** Stops listening to the caller's signal (before the cell goes to another request). */
  unlisten(): void;
  resolve(result: SpawnResult): void;
  reject(error: Error): void;
}

/** Runs programs through up to `size` spawn workers. */
export class SpawnPool {
  readonly #script: URL;
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
  readonly #freeCells = Array.from({ length: CELLS }, (_, i) => CELLS - 1 - i);
  #nextId = 0;

  /**
   * @param script The worker module (`_deno_spawn_worker.ts` or its bundle).
   * @param size Most worker threads.
   */
  constructor(script: URL, size: number) {
    this.#script = script;
    this.#size = size;
  }

  /**
   * Runs a program (see {@linkcode Runtime.spawn}).
   *
   * @param options What to run.
   * @returns How it ended, with the tail of its stderr.
   */
  spawn({ cmd, args, cwd, stdin, stdout, signal }: SpawnOptions): Promise<SpawnResult> {
    const cell = this.#freeCells.pop();
    if (cell === undefined) {
      return Promise.reject(new Error(`Cannot run more than ${CELLS} programs at once`));
    }
    const id = this.#nextId++;
    const tag = canTrackTrees ? newTag() : "";
    const slot = this.#pick();
    const { promise, resolve, reject } = Promise.withResolvers<SpawnResult>();
    Atomics.store(this.#cells, cell, 0);
    const kill = () => {
      const pid = Atomics.compareExchange(this.#cells, cell, 0, -1);
      if (pid > 0) stop(pid, tag);
    };
    if (signal?.aborted) kill();
    signal?.addEventListener("abort", kill, { once: true });
    const unlisten = () => signal?.removeEventListener("abort", kill);
    this.#pending.set(id, { slot, cell, tag, unlisten, resolve, reject });
    if (slot.running++ === 0) slot.worker.ref();
    const request: SpawnRequest = { id, cell, cmd, args, cwd, stdin, stdout, tag };
    if (slot.held) slot.held.push(request);
    else slot.worker.postMessage(request);
    return promise;
  }

  /** Starts every worker thread now rather than at the first spawns. */
  prepare(): void {
    while (this.#slots.length < this.#size) this.#start();
  }

  /** The worker to start the next program: an idle one, a new one, or the least busy. */
  #pick(): Slot {
    let best: Slot | undefined;
    for (const slot of this.#slots) if (!best || slot.running < best.running) best = slot;
    if (best && (best.running === 0 || this.#slots.length >= this.#size)) return best;
    return this.#start();
  }

  #start(): Slot {
    const workerData: SpawnWorkerData = { cells: this.#cells };
    // node:worker_threads starts only local modules; a remote one (JSR) is imported from one.
    const worker = this.#script.protocol === "file:"
      ? new Worker(this.#script, { workerData })
      : new Worker(`import(${JSON.stringify(this.#script.href)});`, { eval: true, workerData });
    worker.unref();
    const slot: Slot = { worker, running: 0, held: [] };
    worker.on("message", (reply: SpawnReply) => {
      if (!("ready" in reply)) return this.#receive(reply);
      for (const request of slot.held!) worker.postMessage(request);
      slot.held = null;
    });
    worker.on("error", (e: Error) => this.#lose(slot, e));
    worker.on("exit", () => this.#lose(slot, new Error("The spawn worker exited")));
    this.#slots.push(slot);
    return slot;
  }

  #receive(reply: Exclude<SpawnReply, { ready: true }>): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#end(reply.id, pending);
    if ("error" in reply) {
      pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    } else pending.resolve({ code: reply.code, signal: reply.signal, stderr: reply.stderr });
  }

  #end(id: number, pending: Pending): void {
    pending.unlisten();
    this.#pending.delete(id);
    this.#freeCells.push(pending.cell);
    if (--pending.slot.running === 0) pending.slot.worker.unref();
  }

  /** A worker died: its programs' outcomes are lost, so they are stopped; the next spawn starts a new one. */
  #lose(slot: Slot, error: Error): void {
    const at = this.#slots.indexOf(slot);
    if (at < 0) return;
    this.#slots.splice(at, 1);
    void slot.worker.terminate();
    for (const [id, pending] of this.#pending) {
      if (pending.slot !== slot) continue;
      const pid = Atomics.exchange(this.#cells, pending.cell, -1);
      if (pid > 0) stop(pid, pending.tag);
      this.#end(id, pending);
      pending.reject(new Error(`Cannot follow the program: ${error.message}`));
    }
  }
}

/**
 * Stops a program and what it started.
 *
 * @param pid The program.
 * @param tag Its tag, or `""` when it has a process group of its own.
 */
export function stop(pid: number, tag: string): void {
  if (tag) return killTree(pid, tag);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already exited.
  }
}
