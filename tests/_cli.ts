/**
 * Runs the `rain` command line (`cli/main.ts` on the Deno running the
 * tests) as a child process whose output a test can wait on line by line.
 *
 * @module
 */

/** The command line's source entry point. */
export const CLI: string = new URL("../cli/main.ts", import.meta.url).pathname;

/**
 * The arguments of `rain start --simple` (a server and a local governor) on
 * a free loopback port.
 *
 * @example
 * ```ts ignore
 * await using rain = startCli([...simpleStart(1), "--quiet"]);
 * ```
 *
 * @param cpus The governor's cpus.
 * @returns The arguments, for a test to add its own to.
 */
export function simpleStart(cpus: number): string[] {
  return ["start", "--simple", "--cpus", String(cpus), "--listen", "127.0.0.1:0"];
}

/** Options of {@linkcode startCli}. */
export interface CliOptions {
  /** Extra environment. */
  env?: Record<string, string>;
  /** Text written to stdin, which is then closed (stdin is empty otherwise). */
  stdin?: string;
  /** The program and arguments running the CLI. @default {[deno, "run", "-A", CLI]} */
  prefix?: string[];
}

/** A running `rain` process. */
export interface CliProcess extends AsyncDisposable {
  /** The OS process. */
  child: Deno.ChildProcess;
  /** Lines printed on stdout so far. */
  stdout: string[];
  /** Lines printed on stderr so far. */
  stderr: string[];
  /**
   * Waits until a line of stdout (or stderr) matches.
   *
   * @param pattern The pattern.
   * @param timeoutMs Give up after this long.
   * @param stream Which output. @default {"stdout"}
   * @returns The match.
   */
  waitFor(
    pattern: RegExp,
    timeoutMs?: number,
    stream?: "stdout" | "stderr",
  ): Promise<RegExpMatchArray>;
  /**
   * Waits for the process to exit.
   *
   * @param timeoutMs Give up (and kill it) after this long.
   * @returns Its status, once both outputs are read to the end.
   */
  exited(timeoutMs?: number): Promise<Deno.CommandStatus>;
}

/**
 * Starts `rain ARGS`.
 *
 * @param args The arguments.
 * @param options Environment and stdin.
 * @returns The process; disposing it kills it (SIGKILL) if it still runs.
 */
export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const [cmd, ...pre] = options.prefix ?? [Deno.execPath(), "run", "-A", CLI];
  const child = new Deno.Command(cmd!, {
    args: [...pre, ...args],
    cwd: new URL("..", import.meta.url),
    ...(options.env ? { env: options.env } : {}),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    w.write(new TextEncoder().encode(options.stdin)).then(() => w.close()).catch(() => {});
  }
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>, into: string[]) => {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        into.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      for (const w of waiters) w();
    }
    if (buffer) into.push(buffer);
  };
  const done = Promise.all([pump(child.stdout, lines.stdout), pump(child.stderr, lines.stderr)])
    .finally(() => {
      for (const w of waiters) w();
    });
  let ended = false;
  done.then(() => ended = true);
  const describe = () =>
    `\n--- stdout:\n${lines.stdout.join("\n")}\n--- stderr:\n${lines.stderr.join("\n")}`;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  return {
    child,
    ...lines,
    waitFor(pattern, timeoutMs = 30_000, stream = "stdout") {
      const into = lines[stream];
      let seen = 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          for (; seen < into.length; seen++) {
            const m = into[seen]!.match(pattern);
            if (m) return finish(() => resolve(m));
          }
          if (ended) finish(() => reject(new Error(`Exited before ${pattern}${describe()}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`Timed out waiting for ${pattern}${describe()}`))),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    async exited(timeoutMs = 30_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          kill();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for exit${describe()}`));
        }, timeoutMs);
      });
      try {
        const [status] = await Promise.race([Promise.all([child.status, done]), timeout]);
        return status;
      } finally {
        clearTimeout(timer);
      }
    },
    async [Symbol.asyncDispose]() {
      kill();
      await child.status;
      await done.catch(() => {});
    },
  };
}

/**
 * Runs `rain ARGS` to its end.
 *
 * @param args The arguments.
 * @param options Environment and stdin.
 * @param timeoutMs Give up (and kill it) after this long.
 * @returns Exit code and output.
 */
export async function runCli(
  args: string[],
  options: CliOptions = {},
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  await using p = startCli(args, options);
  const { code } = await p.exited(timeoutMs);
  return { code, stdout: p.stdout.join("\n"), stderr: p.stderr.join("\n") };
}
