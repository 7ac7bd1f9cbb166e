/**
 * What a process needs from its runtime about itself: its stdin and stdout
 * as bytes, its working directory, and exiting. The executor (a child
 * process speaking the executor protocol on stdin/stdout) uses it; kept
 * apart from `mod.ts`, which loads the server parts (Hono, WebSockets) the
 * executor does not need.
 *
 * @module
 */
import process from "node:process";

/** The current process. */
export interface OwnProcess {
  /** Its stdin, chunk by chunk, until it closes. */
  stdin(): AsyncIterable<Uint8Array>;
  /** Writes all bytes to its stdout. */
  writeStdout(data: Uint8Array): Promise<void>;
  /** Its working directory. */
  cwd(): string;
  /** Changes its working directory. */
  chdir(dir: string): void;
  /** Ends it. */
  exit(code: number): never;
}

/** Bytes one read of stdin may take. */
const READ_SIZE = 64 * 1024;

/**
 * Deno's own stdio: `node:process` streams there buffer differently from the
 * native ones. Stdin is read with plain reads: a `ReadableStream` cost an
 * executor more cpu per small frame than the task it carried.
 */
function denoProcess(deno: typeof Deno): OwnProcess {
  return {
    async *stdin() {
      for (;;) {
        const buffer = new Uint8Array(READ_SIZE);
        const n = await deno.stdin.read(buffer);
        if (n === null) return;
        yield buffer.subarray(0, n);
      }
    },
    async writeStdout(data) {
      for (let at = 0; at < data.length;) at += await deno.stdout.write(data.subarray(at));
    },
    cwd: () => deno.cwd(),
    chdir: (dir) => deno.chdir(dir),
    exit: (code) => deno.exit(code),
  };
}

const nodeProcess: OwnProcess = {
  async *stdin() {
    for await (const chunk of process.stdin) yield chunk as Uint8Array;
  },
  writeStdout: (data) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(data, (e) => e ? reject(e) : resolve());
    }),
  cwd: () => process.cwd(),
  chdir: (dir) => process.chdir(dir),
  exit: (code) => process.exit(code),
};

/** The current process, on the runtime we run on (Node's API serves Node and Bun). */
export const ownProcess: OwnProcess = "Deno" in globalThis ? denoProcess(Deno) : nodeProcess;
