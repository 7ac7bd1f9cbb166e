/**
 * The Deno implementation of the runtime seam.
 *
 * @module
 */
import { Hono } from "npm:hono@^4.10.0";
import WebSocket from "npm:ws@^8.18.0";
import { getConnInfo, upgradeWebSocket } from "npm:hono@^4.10.0/deno";
import type { Runtime, WsUpgrade } from "./types.ts";
import { wrapWebSocket } from "./_ws_client.ts";
import { adaptUpgrade } from "./_hono_ws.ts";
import { readTail } from "./_stderr_tail.ts";
import { spawnDenoScript } from "./_deno_piped.ts";
import { peerAddressOf } from "./_connect.ts";

const wsUpgrade: WsUpgrade = adaptUpgrade<WebSocket>(
  upgradeWebSocket,
  (ws) => ws.raw!.binaryType = "arraybuffer",
);

/** Bytes a BYOB read may fill at once. */
const READ_BUFFER = 4 * 1024 * 1024;

/**
 * A stream's bytes as views of one reused buffer (a byte stream), or as its
 * own chunks (another stream); each view is valid until the next one.
 */
async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch {
    yield* stream; // not a byte stream
    return;
  }
  try {
    let buffer = new Uint8Array(READ_BUFFER);
    while (true) {
      const { value, done } = await reader.read(buffer);
      if (done) return;
      yield value;
      buffer = new Uint8Array(value.buffer);
    }
  } finally {
    reader.releaseLock();
  }
}

/** Rain's runtime seam on Deno. */
export const denoRuntime: Runtime = {
  name: "deno",
  async serve({ hostname, port, build }) {
    const app = new Hono();
    build(app, wsUpgrade);
    const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve(
      { hostname, port, onListen: (a) => resolve(a as Deno.NetAddr) },
      app.fetch,
    );
    const addr = await promise;
    return {
      hostname: addr.hostname,
      port: addr.port,
      async close() {
        await server.shutdown();
      },
    };
  },
  embedWebSocket: () => ({ upgrade: wsUpgrade }),
  // The `ws` package sets TCP_NODELAY; Deno's own WebSocket client does not, and
  // frames of a few tens of KB then wait ~40 ms for delayed ACKs.
  connectWebSocket: (url) => wrapWebSocket(new WebSocket(url) as never, url),
  peerAddress: (c) => peerAddressOf(() => getConnInfo(c).remote.address),
  async spawn({ cmd, args, cwd, stdin, stdout, signal }) {
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
        // Its own process group, so stopping it also stops what it started.
        detached: true,
      }).spawn();
    } catch (e) {
      input?.close();
      output?.close();
      if (e instanceof Deno.errors.NotFound) {
        throw Object.assign(new Error(`${cmd}: not found`), { code: "ENOENT" });
      }
      throw e;
    }
    const kill = () => {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch {
        // Already exited.
      }
    };
    if (signal?.aborted) kill();
    signal?.addEventListener("abort", kill, { once: true });
    const io: Promise<unknown>[] = [readTail(child.stderr)];
    // A program that does not read all its stdin breaks the pipe: not an error.
    if (input) io.push(input.readable.pipeTo(child.stdin).catch(() => {}));
    if (output) io.push(child.stdout.pipeTo(output.writable));
    const [status, stderr] = await Promise.all([
      child.status,
      io[0] as Promise<Uint8Array>,
      ...io.slice(1),
    ]);
    signal?.removeEventListener("abort", kill);
    return { code: status.code, signal: status.signal, stderr };
  },
  spawnScript: spawnDenoScript,
  async readFileStream(path) {
    return (await Deno.open(path)).readable;
  },
  async writeFileStream(path, stream, onChunk) {
    const file = await Deno.open(path, { write: true, createNew: true, mode: 0o644 });
    if (!onChunk) {
      await stream.pipeTo(file.writable);
      return (await Deno.stat(path)).size;
    }
    // To see the bytes, JavaScript must read them: with a BYOB reader into one
    // reused buffer, a read takes all that has arrived (~180 KB a read for a
    // fetch() body, against one 64 KiB chunk a read otherwise), and that keeps
    // the copy within a few % of pipeTo's, which never enters JavaScript.
    let size = 0;
    try {
      for await (const chunk of readChunks(stream)) {
        onChunk(chunk);
        for (let at = 0; at < chunk.length;) at += await file.write(chunk.subarray(at));
        size += chunk.length;
      }
    } finally {
      file.close();
    }
    return size;
  },
  onShutdownSignal(handler) {
    Deno.addSignalListener("SIGINT", handler);
    Deno.addSignalListener("SIGTERM", handler);
    return () => {
      Deno.removeSignalListener("SIGINT", handler);
      Deno.removeSignalListener("SIGTERM", handler);
    };
  },
  args: () => Deno.args,
  env(name) {
    // Asking without the permission would prompt on a terminal: check first.
    const { state } = Deno.permissions.querySync({ name: "env", variable: name });
    return state === "granted" ? Deno.env.get(name) : undefined;
  },
  exit: (code) => Deno.exit(code),
};
