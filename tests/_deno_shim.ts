/**
 * The few `Deno` APIs the integration tests (the files using
 * `tests/_cluster.ts`) and their helpers use, on Node and Bun.
 *
 * `scripts/test-runtime.ts` bundles those test files with esbuild, which
 * injects this module's {@linkcode Deno} wherever the code names the free
 * identifier `Deno`. It is never a global: `"Deno" in globalThis` stays
 * false, so Rain's runtime seam still picks Node's or Bun's implementation.
 *
 * `Deno.test` maps onto `node:test`, which `node --test` and `bun test` both
 * run. Only what the tests use is here: `test` (name and function, or
 * `{ name, fn, ignore }`; the test context has no `step`), `env.get`, `pid`
 * and `Command` with `spawn()` (piped or ignored stdio, `status`, `kill`).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import process from "node:process";
import { Readable } from "node:stream";
import { test as nodeTest } from "node:test";

/** A test definition, as `Deno.test({ ... })` takes it. */
export interface TestDefinition {
  /** Its name. */
  name: string;
  /** The test. */
  fn: (t: TestContext) => unknown;
  /** Whether to skip it. */
  ignore?: boolean;
}

/** What a test function receives: only its name. */
export interface TestContext {
  /** The test's name. */
  name: string;
}

/** The exit status of a child process. */
export interface CommandStatus {
  /** Whether it exited with code 0. */
  success: boolean;
  /** Its exit code (128 + signal number when killed). */
  code: number;
  /** The signal that killed it, if any. */
  signal: string | null;
}

/** What `new Deno.Command(cmd, options)` takes (the subset the tests use). */
export interface CommandOptions {
  /** Its arguments. */
  args?: string[];
  /** Its working directory. */
  cwd?: string | URL;
  /** Its environment on top of this process's one. */
  env?: Record<string, string>;
  /** Its stdin. @default {"inherit"} */
  stdin?: "piped" | "inherit" | "null";
  /** Its stdout. @default {"inherit"} */
  stdout?: "piped" | "inherit" | "null";
  /** Its stderr. @default {"inherit"} */
  stderr?: "piped" | "inherit" | "null";
}

/** A spawned child process, like `Deno.ChildProcess`. */
export interface ChildProcess {
  /** Its process id. */
  pid: number;
  /** Its stdout (when piped). */
  stdout: ReadableStream<Uint8Array>;
  /** Its stderr (when piped). */
  stderr: ReadableStream<Uint8Array>;
  /** Resolves with its exit status. */
  status: Promise<CommandStatus>;
  /**
   * Sends it a signal.
   *
   * @throws {Error} When it already exited.
   */
  kill(signal?: NodeJS.Signals): void;
}

const STDIO = { piped: "pipe", inherit: "inherit", null: "ignore" } as const;

/** A command to spawn, like `Deno.Command` (`spawn()` only). */
class Command {
  readonly #cmd: string;
  readonly #options: CommandOptions;

  /**
   * @param cmd The program.
   * @param options Its arguments, directory, environment and stdio.
   */
  constructor(cmd: string | URL, options: CommandOptions = {}) {
    this.#cmd = String(cmd);
    this.#options = options;
  }

  /**
   * Starts the program.
   *
   * @returns The running process.
   */
  spawn(): ChildProcess {
    const { args = [], cwd, env, stdin, stdout, stderr } = this.#options;
    const child = spawn(this.#cmd, args, {
      cwd,
      env: env ? { ...process.env, ...env } : undefined,
      stdio: [STDIO[stdin ?? "inherit"], STDIO[stdout ?? "inherit"], STDIO[stderr ?? "inherit"]],
    });
    const status = new Promise<CommandStatus>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        const n = signal ? 128 + constants.signals[signal] : code ?? 1;
        resolve({ success: n === 0, code: n, signal });
      });
    });
    const web = (s: Readable | null) =>
      (s ? Readable.toWeb(s) : new ReadableStream()) as ReadableStream<Uint8Array>;
    return {
      pid: child.pid!,
      stdout: web(child.stdout),
      stderr: web(child.stderr),
      status,
      kill(signal: NodeJS.Signals = "SIGTERM") {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error("Child process has already terminated");
        }
        child.kill(signal);
      },
    };
  }
}

/**
 * Registers a test with `node:test`, like `Deno.test`.
 *
 * @param nameOrDef The test's name, or its whole definition.
 * @param fn The test, when a name is given.
 */
function test(nameOrDef: string | TestDefinition, fn?: TestDefinition["fn"]): void {
  const def = typeof nameOrDef === "string" ? { name: nameOrDef, fn: fn! } : nameOrDef;
  nodeTest(def.name, { skip: def.ignore === true }, async () => {
    await def.fn({ name: def.name });
  });
}

/** The stand-in for the `Deno` namespace that esbuild injects. */
export const Deno = {
  test,
  Command,
  env: {
    /**
     * @param name A variable's name.
     * @returns Its value, if set.
     */
    get: (name: string): string | undefined => process.env[name],
  },
  pid: process.pid,
};
