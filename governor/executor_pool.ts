/**
 * The governor's warm pool of executor processes: one task at a time per
 * executor, idle executors reused, a crashed, killed or out-of-memory
 * executor fails only its task and is replaced by a fresh one on demand.
 * A few may be started ahead with the governor ({@linkcode ExecutorPool.prestart}):
 * starting one (a runtime with the executor's modules) takes longer than
 * thousands of trivial tasks.
 *
 * @module
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatId } from "../common/attributes.ts";
import {
  encodeExecutorFrame,
  type ExecutorMessage,
  FrameReader,
  type RunMessage,
  validateExecutorMessage,
} from "../protocol/executor.ts";
import { runtime } from "../runtime/mod.ts";
import { WARM_UP_TASKS, warmUpMessage } from "./executor_warm_up.ts";
import type { PipedProcess } from "../runtime/types.ts";

/** Most stderr bytes of an executor kept for a crash report. */
const STDERR_KEEP = 8 * 1024;

/**
 * Set by the npm build (`scripts/_bundle.ts`) to the bundled executor's path
 * relative to the bundle's files (`./executor.js`); undefined in the sources.
 */
declare const RAIN_BUNDLED_EXECUTOR: string | undefined;

/**
 * The executor's entry module: the TypeScript source, or the bundled
 * `executor.js`; a path, or a URL when this module is remote (JSR on Deno).
 */
const SCRIPT_URL = new URL(
  typeof RAIN_BUNDLED_EXECUTOR === "string" ? RAIN_BUNDLED_EXECUTOR : "../executor/main.ts",
  import.meta.url,
);
const SCRIPT = SCRIPT_URL.protocol === "file:" ? fileURLToPath(SCRIPT_URL) : SCRIPT_URL.href;

/** What V8 (Deno's and Node's) writes to stderr as it dies of a full heap. */
const OUT_OF_MEMORY =
  /Fatal JavaScript out of memory|JavaScript heap out of memory|Reached heap limit/;

/** Where V8's out-of-memory report starts in stderr (what precedes it is the function's). */
const V8_REPORT = /\n?<--- Last few GCs --->|\n?#\n# Fatal |\n?FATAL ERROR: /;

/**
 * Resident memory an executor may use beyond its heap limit (the runtime
 * itself, typed arrays outside the heap) before the watchdog kills it.
 */
const RSS_ALLOWANCE_MB = 256;

/** How often the watchdog reads a busy executor's resident memory (ms). */
const RSS_POLL_MS = 100;

/**
 * Resident memory of a process in MB, from `/proc` (Linux); `null` where
 * that cannot be read.
 *
 * @param pid The process.
 * @returns Its resident set size in MB.
 */
async function residentMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Options of {@linkcode ExecutorPool}. */
export interface ExecutorPoolOptions {
  /** Heap limit of each executor in MB; unlimited (V8's default) when not given. */
  memoryMb?: number | undefined;
}

/** One executor process. */
export class ExecutorProcess {
  /** Its process id. */
  readonly pid: number;
  /** Set once the process exited. */
  dead = false;
  /** Resolves once the process exited and its working directory is removed. */
  readonly exited: Promise<void>;
  /** The working directory its tasks run in (emptied after each task). */
  readonly dir: string;
  readonly #proc: PipedProcess;
  readonly #reader = new FrameReader();
  #pending: PromiseWithResolvers<ExecutorMessage> | null = null;
  #task = "";
  #stderr: Uint8Array[] = [];
  #stderrSize = 0;
  readonly #memoryMb: number | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #overLimitMb = 0;

  /**
   * Starts an executor.
   *
   * @param cwd The process's working directory.
   * @param dir The working directory of its tasks (made by the executor).
   * @param onExit Called once it exited.
   * @param memoryMb Its heap limit in MB, if any.
   */
  constructor(
    cwd: string,
    dir: string,
    onExit: (e: ExecutorProcess) => void,
    memoryMb?: number,
  ) {
    this.dir = dir;
    this.#memoryMb = memoryMb;
    this.#proc = runtime.spawnScript({ script: SCRIPT, args: [], cwd, maxHeapMb: memoryMb });
    this.pid = this.#proc.pid;
    this.#proc.onStdout = (chunk) => {
      try {
        for (const m of this.#reader.push(chunk)) this.#settle(validateExecutorMessage(m));
      } catch (e) {
        this.#pending?.reject(new Error(`Executor protocol error: ${(e as Error).message}`));
        this.#pending = null;
        this.kill();
      }
    };
    this.#proc.onStderr = (chunk) => {
      this.#stderr.push(chunk);
      this.#stderrSize += chunk.length;
      while (this.#stderrSize - this.#stderr[0]!.length >= STDERR_KEEP) {
        this.#stderrSize -= this.#stderr.shift()!.length;
      }
    };
    this.exited = this.#proc.exited.then(async ({ code, signal }) => {
      clearInterval(this.#watchdog);
      await rm(dir, { recursive: true, force: true });
      this.dead = true;
      if (this.#pending) {
        this.#pending.reject(new Error(this.#crashReport(code, signal, memoryMb)));
        this.#pending = null;
      }
      onExit(this);
    });
  }

  /**
   * Runs one task.
   *
   * @param m The run message (`cwd` is this executor's {@linkcode dir}).
   * @returns The executor's answer.
   * @throws {Error} When the executor dies before answering.
   */
  run(m: RunMessage): Promise<ExecutorMessage> {
    if (this.dead || this.#pending) throw new Error("Executor is not available");
    this.#task = formatId(m.spec.id);
    this.#stderr = [];
    this.#stderrSize = 0;
    this.#pending = Promise.withResolvers();
    this.#proc.write(encodeExecutorFrame(m));
    this.#watch();
    return this.#pending.promise;
  }

  /**
   * While a task runs under a memory limit, kills the executor when its
   * resident memory passes the limit plus an allowance: the heap limit does
   * not cover typed arrays, and Bun has no heap limit at all.
   */
  #watch(): void {
    const limit = this.#memoryMb;
    if (limit === undefined || this.#watchdog) return;
    this.#watchdog = setInterval(async () => {
      const rss = await residentMb(this.pid);
      if (rss !== null && rss > limit + RSS_ALLOWANCE_MB && !this.dead) {
        this.#overLimitMb = rss;
        this.kill();
      }
    }, RSS_POLL_MS);
  }

  /** Kills the process (SIGKILL). */
  kill(): void {
    this.#proc.kill("SIGKILL");
  }

  #settle(m: ExecutorMessage): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    const p = this.#pending;
    this.#pending = null;
    if (p) p.resolve(m);
  }

  #crashReport(code: number, signal: string | null, memoryMb: number | undefined): string {
    let stderr = this.#stderrText();
    let how = signal ? `was killed by signal ${signal}` : `exited with code ${code}`;
    let detail = "";
    if (OUT_OF_MEMORY.test(stderr)) {
      how = `ran out of memory${memoryMb ? ` (limit ${memoryMb} MB)` : ""}`;
      stderr = stderr.split(V8_REPORT)[0]!.trimEnd(); // V8's GC trace and C stack help nobody
    } else if (this.#overLimitMb) {
      how = `ran out of memory (limit ${memoryMb} MB)`;
      detail = `: it held ${Math.round(this.#overLimitMb)} MB resident, more than the limit ` +
        `plus ${RSS_ALLOWANCE_MB} MB for the runtime`;
    }
    return `Executor process ${how} while running task ${this.#task}${detail}` +
      (stderr ? `\nStderr:\n${stderr}` : "");
  }

  #stderrText(): string {
    const all = new Uint8Array(this.#stderrSize);
    let at = 0;
    for (const c of this.#stderr) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all.subarray(Math.max(0, all.length - STDERR_KEEP))).trimEnd();
  }
}

/** A governor's executors. */
export class ExecutorPool {
  readonly #cwd: string;
  readonly #memoryMb: number | undefined;
  readonly #idle: ExecutorProcess[] = [];
  readonly #all = new Set<ExecutorProcess>();
  /** Prestarted executors still running their warm-up. */
  #warming = 0;
  /** Tasks waiting for a warming executor (given `null` when it died). */
  readonly #waiting: ((e: ExecutorProcess | null) => void)[] = [];
  /** Resolves once no prestarted executor is warming up, with the synthetic tasks run. */
  #warmedUp: PromiseWithResolvers<number> | null = null;
  #warmUpTasks = 0;
  /** Set once real tasks came: warm-ups end. */
  #warmUpOver = false;
  #closed = false;
  #count = 0;

  /**
   * @param cwd The executors' working directory; their tasks' directories go below it.
   * @param options The executors' heap limit.
   */
  constructor(cwd: string, options: ExecutorPoolOptions = {}) {
    this.#cwd = cwd;
    this.#memoryMb = options.memoryMb;
  }

  /** Executor processes alive (idle or busy). */
  get size(): number {
    return this.#all.size;
  }

  /**
   * Runs a task on an idle executor, or on a new one.
   *
   * @param m The run message, without `cwd` (each executor has its own).
   * @param signal Kills the executor when aborted.
   * @returns The executor's answer.
   * @throws {Error} When the executor dies while running the task.
   */
  async run(m: Omit<RunMessage, "cwd">, signal: AbortSignal): Promise<ExecutorMessage> {
    if (this.#closed) throw new Error("The governor is shutting down");
    this.#warmUpOver = true;
    let e = this.#idle.pop() ?? null;
    // A prestarted executor ends its warm-up for a real task: sooner than a new one.
    if (!e && this.#warming > this.#waiting.length) {
      e = await new Promise<ExecutorProcess | null>((r) => this.#waiting.push(r));
    }
    if (this.#closed) throw new Error("The governor is shutting down");
    if (signal.aborted) {
      if (e) this.#idle.push(e);
      throw new Error("Task was stopped");
    }
    e ??= this.#start();
    const abort = () => e.kill();
    signal.addEventListener("abort", abort, { once: true });
    try {
      return await e.run({ ...m, cwd: e.dir });
    } finally {
      signal.removeEventListener("abort", abort);
      if (!e.dead && !signal.aborted && !this.#closed) this.#idle.push(e);
      else if (!e.dead) e.kill();
    }
  }

  /**
   * Starts executors now, so the first remote tasks do not wait for them to
   * start; each then runs synthetic tasks (`executor_warm_up.ts`) until the
   * first real tasks come ({@linkcode ExecutorPool.endWarmUp}).
   *
   * @param count How many executors should be alive (idle or busy) afterwards.
   * @returns How many were started.
   */
  prestart(count: number): number {
    let started = 0;
    while (!this.#closed && this.#all.size < count) {
      void this.#warmUp(this.#start());
      started++;
    }
    return started;
  }

  /**
   * Waits for the prestarted executors to end their warm-up.
   *
   * @returns The synthetic tasks they ran, once none is warming up.
   */
  warmedUp(): Promise<number> {
    return this.#warmedUp?.promise ?? Promise.resolve(this.#warmUpTasks);
  }

  /**
   * Ends the warm-ups (after their current synthetic task): real tasks
   * came, which should not share the cpus with them.
   */
  endWarmUp(): void {
    this.#warmUpOver = true;
  }

  async #warmUp(e: ExecutorProcess): Promise<void> {
    if (this.#warming++ === 0) this.#warmedUp = Promise.withResolvers();
    try {
      for (let i = 0; i < WARM_UP_TASKS && !this.#warmUpOver && !this.#closed; i++) {
        const answer = await e.run(warmUpMessage(e.dir, i));
        if (answer.type === "error") break; // never expected; the executor still serves
        this.#warmUpTasks++;
      }
    } catch {
      // The executor died: a waiting task gets a new one.
    }
    if (--this.#warming === 0) {
      this.#warmedUp!.resolve(this.#warmUpTasks);
      this.#warmedUp = null;
    }
    const usable = !e.dead && !this.#closed;
    const waiter = this.#waiting.shift();
    if (waiter) waiter(usable ? e : null);
    else if (usable) this.#idle.push(e);
  }

  /**
   * Kills every executor.
   *
   * @returns Resolves once they exited.
   */
  close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#all];
    for (const e of all) e.kill();
    return Promise.all(all.map((e) => e.exited)).then(() => {});
  }

  #start(): ExecutorProcess {
    const e = new ExecutorProcess(
      this.#cwd,
      join(this.#cwd, `executor-${++this.#count}`),
      (dead) => {
        this.#all.delete(dead);
        const i = this.#idle.indexOf(dead);
        if (i >= 0) this.#idle.splice(i, 1);
      },
      this.#memoryMb,
    );
    this.#all.add(e);
    return e;
  }
}
