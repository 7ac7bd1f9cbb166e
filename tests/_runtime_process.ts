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

/** A running child process of the `rain` command line. */
export interface RainProcess {
  /** The match of the line that said it was ready. */
  ready: RegExpMatchArray;
  /** Resolves with its exit status. */
  status: Promise<Deno.CommandStatus>;
  /** Its stderr so far. */
  stderr(): string;
  /** SIGTERM (SIGKILL after 5 s), then waits until it exited and its output ended. */
  close(): Promise<void>;
}

/** Reads a stream of text, calling `onLine` per line; resolves at its end. */
async function readLines(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl;
    while ((nl = rest.indexOf("\n")) >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) onLine(rest);
}

/**
 * Starts `rain ARGS...` from the bundle under `runtime` and waits until it
 * prints a line matching `ready`.
 *
 * @param runtime The runtime to run it on.
 * @param args The command line, e.g. `["server", "--listen", "127.0.0.1:0"]`.
 * @param ready The line announcing that it is ready.
 * @returns The running process.
 * @throws {Error} When it exits or takes 30 s before printing that line.
 */
export async function startRain(
  runtime: ProcessRuntime,
  args: string[],
  ready: RegExp,
): Promise<RainProcess> {
  const child = new Deno.Command(executable(runtime), {
    args: [`${bundleDir()}/cli.js`, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let stdout = "";
  const matched = Promise.withResolvers<RegExpMatchArray>();
  const output = Promise.all([
    readLines(child.stdout, (l) => {
      stdout += `${l}\n`;
      const m = l.match(ready);
      if (m) matched.resolve(m);
    }),
    readLines(child.stderr, (l) => stderr = (stderr + `${l}\n`).slice(-16_384)),
  ]);
  const what = `${runtime} rain ${args.join(" ")}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      const kill = (signal: Deno.Signal) => {
        try {
          child.kill(signal);
        } catch { /* already exited */ }
      };
      kill("SIGTERM");
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
    return { ready: match, status: child.status, stderr: () => stderr, close };
  } catch (e) {
    await close();
    throw new Error(`${(e as Error).message}\nStdout:\n${stdout}\nStderr:\n${stderr}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a server (`rain server`) on a free loopback port.
 *
 * @param runtime The runtime to run it on.
 * @returns The process and the server's `host:port`.
 */
export async function startServerProcess(
  runtime: ProcessRuntime,
): Promise<{ process: RainProcess; address: string }> {
  const process = await startRain(
    runtime,
    ["server", "--listen", "127.0.0.1:0"],
    /^Rain server listening on (\S+:\d+) /,
  );
  return { process, address: process.ready[1]! };
}

/**
 * Starts a governor (`rain governor`) joining a server.
 *
 * @param runtime The runtime to run it on.
 * @param server The server's `host:port`.
 * @param cpus Its cpus.
 * @param workDir Its work directory (existing; the caller removes it).
 * @param executorMemoryMb Heap limit of its executors in MB, if any.
 * @returns The process and the governor's id.
 */
export async function startGovernorProcess(
  runtime: ProcessRuntime,
  server: string,
  cpus: number,
  workDir: string,
  executorMemoryMb?: number,
): Promise<{ process: RainProcess; id: string }> {
  const memory = executorMemoryMb ? ["--executor-memory", String(executorMemoryMb)] : [];
  const process = await startRain(
    runtime,
    ["governor", server, "--cpus", String(cpus), "--work-dir", workDir, ...memory],
    /^Governor (\S+) with \d+ cpus joined/,
  );
  return { process, id: process.ready[1]! };
}
