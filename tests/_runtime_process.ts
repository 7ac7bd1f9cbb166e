/**
 * Rain parts as child processes of the npm bundle's `cli.js` under Node or
 * Bun, for `tests/_cluster.ts` (RAIN_TEST_RUNTIME=node|bun) and the
 * mixed-runtime test. (`_process_cluster.ts` is another harness: Deno
 * governor processes that a test can kill.)
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** A runtime other than the Deno running the tests. */
export type ProcessRuntime = "node" | "bun";

/**
 * The directory of the npm bundle the processes run: `RAIN_TEST_BUNDLE` (set
 * by `scripts/test.sh`), else the repository's `dist/`.
 *
 * @returns The directory, which holds `cli.js`.
 * @throws {Error} When there is no bundle.
 */
export function bundleDir(): string {
  const dir = Deno.env.get("RAIN_TEST_BUNDLE") ?? `${ROOT}dist`;
  if (!existsSync(`${dir}/cli.js`)) {
    throw new Error(
      `No npm bundle at ${dir}: run \`deno run -A scripts/build-npm.ts\` (or set RAIN_TEST_BUNDLE)`,
    );
  }
  return dir;
}

/**
 * The executable of a runtime.
 *
 * @param runtime The runtime.
 * @returns `node`, or the Bun that npm installed.
 */
export function executable(runtime: ProcessRuntime): string {
  return runtime === "node" ? "node" : `${ROOT}node_modules/.bin/bun`;
}

/** A running child process (`await using` closes it). */
export interface ReadyProcess extends AsyncDisposable {
  /** The match of its stdout that said it was ready. */
  ready: RegExpMatchArray;
  /** Resolves with its exit status. */
  status: Promise<Deno.CommandStatus>;
  /** Its stderr so far (the last 16 KiB). */
  stderr(): string;
  /**
   * Sends `signal` (SIGKILL after 5 s), then waits until it exited and its
   * output ended.
   */
  close(signal?: Deno.Signal): Promise<void>;
}

/** Reads a stream of text, calling `onText` per chunk; resolves at its end. */
async function readText(stream: ReadableStream<Uint8Array>, onText: (text: string) => void) {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) onText(chunk);
}

/** What to start and when it is ready. */
export interface ReadyOptions {
  /** The program. */
  cmd: string;
  /** Its arguments. */
  args: string[];
  /** Its working directory. @default {ROOT} */
  cwd?: string;
  /** Matches its stdout (all of it so far) once it is ready. */
  ready: RegExp;
  /** Environment variables to set (on top of this process's). */
  env?: Record<string, string>;
}

/**
 * Starts a process and waits until its stdout matches `ready`.
 *
 * @param options What to start.
 * @returns The running process.
 * @throws {Error} When it exits or takes 30 s before being ready.
 */
export async function startReady({ cmd, args, cwd = ROOT, ready, env }: ReadyOptions): Promise<
  ReadyProcess
> {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    ...(env ? { env } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let stdout = "";
  const matched = Promise.withResolvers<RegExpMatchArray>();
  const output = Promise.all([
    readText(child.stdout, (text) => {
      stdout += text;
      const m = stdout.match(ready);
      if (m) matched.resolve(m);
    }),
    readText(child.stderr, (text) => stderr = (stderr + text).slice(-16_384)),
  ]);
  const what = `${cmd} ${args.join(" ")}`;
  let closing: Promise<void> | undefined;
  const close = (signal: Deno.Signal = "SIGTERM") =>
    closing ??= (async () => {
      const kill = (signal: Deno.Signal) => {
        try {
          child.kill(signal);
        } catch { /* already exited */ }
      };
      kill(signal);
      const timer = setTimeout(() => kill("SIGKILL"), 5000);
      await child.status;
      clearTimeout(timer);
      await output;
    })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const match = await Promise.race([
      matched.promise,
      child.status.then((s) => {
        throw new Error(`${what} exited with code ${s.code} before it was ready`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} was not ready after 30 s`)), 30_000);
      }),
    ]);
    return {
      ready: match,
      status: child.status,
      stderr: () => stderr,
      close,
      [Symbol.asyncDispose]: () => close(),
    };
  } catch (e) {
    await close();
    throw new Error(`${(e as Error).message}\nStdout:\n${stdout}\nStderr:\n${stderr}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Where and how to start a `rain` process. */
export interface ReadyProcessOptions {
  /** The runtime to run it on. */
  runtime: ProcessRuntime;
  /** The bundle directory. @default {bundleDir()} */
  bundle?: string;
}

/**
 * Starts `rain ARGS...` from the bundle and waits until its stdout matches
 * `ready`.
 *
 * @param options The runtime and bundle.
 * @param args The command line, e.g. `["server", "--listen", "127.0.0.1:0"]`.
 * @param ready Matches its stdout once it is ready.
 * @returns The running process.
 */
export function startRain(
  { runtime, bundle = bundleDir() }: ReadyProcessOptions,
  args: string[],
  ready: RegExp,
): Promise<ReadyProcess> {
  return startReady({ cmd: executable(runtime), args: [`${bundle}/cli.js`, ...args], ready });
}

/**
 * Starts a server (`rain server`) on a free loopback port.
 *
 * @param options The runtime and bundle.
 * @returns The process and the server's `host:port`.
 */
export async function startServerProcess(
  options: ReadyProcessOptions,
): Promise<{ process: ReadyProcess; address: string }> {
  // Without the warm-up (~1 s each): a test's cluster runs a handful of tasks. `rain start`
  // (npm_package_test.ts) still runs it on Node and Bun.
  const process = await startRain(
    options,
    ["server", "--listen", "127.0.0.1:0", "--no-warm-up"],
    /Rain server listening on (\S+:\d+) /,
  );
  return { process, address: process.ready[1]! };
}

/** What governor to start. */
export interface GovernorProcessOptions extends ReadyProcessOptions {
  /** The server's `host:port`. */
  server: string;
  /** Its cpus. */
  cpus: number;
  /** Its work directory (existing; the caller removes it). */
  workDir: string;
  /** Heap limit of its executors in MB, if any. */
  executorMemoryMb?: number | undefined;
}

/**
 * Starts a governor (`rain governor`) joining a server.
 *
 * @param options The governor.
 * @returns The process and the governor's id.
 */
export async function startGovernorProcess(
  options: GovernorProcessOptions,
): Promise<{ process: ReadyProcess; id: string }> {
  const { server, cpus, workDir, executorMemoryMb } = options;
  const memory = executorMemoryMb ? ["--executor-memory", String(executorMemoryMb)] : [];
  const process = await startRain(
    options,
    ["governor", server, "--cpus", String(cpus), "--work-dir", workDir, ...memory],
    /Governor (\S+) with \d+ cpus joined/,
  );
  return { process, id: process.ready[1]! };
}
