/**
 * A spawn worker's thread (see `_spawn_pool.ts`): starts programs with
 * `Deno.Command`, whose spawn blocks the calling thread, so the governor's
 * own thread keeps serving meanwhile; feeds stdin from a file, writes stdout
 * to a file and keeps the tail of stderr, all off the governor's thread.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { readTail } from "./_stderr_tail.ts";
import { TAG_VARIABLE } from "./_process_tree.ts";
import { type SpawnReply, type SpawnRequest, type SpawnWorkerData, stop } from "./_spawn_pool.ts";

const port = parentPort!;
const { cells } = workerData as SpawnWorkerData;

port.on("message", (request: SpawnRequest) => {
  run(request).catch((e: Error & { code?: string }) =>
    reply({ id: request.id, error: { message: e.message, code: e.code } })
  );
});
reply({ ready: true });

function reply(message: SpawnReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function run({ id, cell, cmd, args, cwd, stdin, stdout, tag }: SpawnRequest): Promise<void> {
  // Files first: a program is never started whose stdin or stdout cannot be opened.
  const input = stdin ? await Deno.open(stdin) : null;
  const output = stdout
    ? await Deno.open(stdout, { write: true, create: true, truncate: true }).catch((e) => {
      input?.close();
      throw e;
    })
    : null;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      cwd,
      stdin: stdin ? "piped" : "null",
      stdout: stdout ? "piped" : "null",
      stderr: "piped",
      ...tag ? { env: { [TAG_VARIABLE]: tag } } : { detached: true },
    }).spawn();
  } catch (e) {
    input?.close();
    output?.close();
    if (e instanceof Deno.errors.NotFound) {
      throw Object.assign(new Error(`${cmd}: not found`), { code: "ENOENT" });
    }
    throw e;
  }
  // The pid for the main thread to stop it by; if a stop came first, stopped here.
  if (Atomics.compareExchange(cells, cell, 0, child.pid) === -1) stop(child.pid, tag);
  const io: Promise<unknown>[] = [readTail(child.stderr)];
  // A program that does not read all its stdin breaks the pipe: not an error.
  if (input) io.push(input.readable.pipeTo(child.stdin).catch(() => {}));
  if (output) io.push(child.stdout.pipeTo(output.writable));
  const [status, stderr] = await Promise.all([
    child.status,
    io[0] as Promise<Uint8Array>,
    ...io.slice(1),
  ]);
  const bytes = (stderr as Uint8Array).slice();
  reply({ id, code: status.code, signal: status.signal, stderr: bytes }, [bytes.buffer]);
}
