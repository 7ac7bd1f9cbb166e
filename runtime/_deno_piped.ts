/**
 * {@linkcode PipedProcess} on Deno: `deno run -A <script>` with the running
 * Deno executable.
 *
 * @module
 */
import type { PipedProcess, ScriptOptions } from "./types.ts";

async function pump(stream: ReadableStream<Uint8Array>, sink: () => (c: Uint8Array) => void) {
  try {
    for await (const chunk of stream) sink()(chunk);
  } catch {
    // The process went away.
  }
}

/**
 * Starts a module with `deno run -A`.
 *
 * @param options The script, its arguments, working directory and heap limit.
 * @returns The running process.
 */
export function spawnDenoScript({ script, args, cwd, maxHeapMb }: ScriptOptions): PipedProcess {
  const heap = maxHeapMb ? [`--v8-flags=--max-old-space-size=${maxHeapMb}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...heap, script, ...args],
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let closed = false;
  const reading = Promise.all([
    pump(child.stdout, () => proc.onStdout),
    pump(child.stderr, () => proc.onStderr),
  ]);
  const exited = Promise.all([child.status, reading]).then(([s]) => {
    closed = true;
    writer.close().catch(() => {});
    return { code: s.code, signal: s.signal };
  });
  const proc: PipedProcess = {
    pid: child.pid,
    write(data) {
      if (!closed) writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
    },
    onStdout: () => {},
    onStderr: () => {},
    exited,
    kill(signal = "SIGKILL") {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
    },
  };
  return proc;
}
