/**
 * The Deno implementation of the runtime seam.
 *
 * @module
 */
import { Hono } from "npm:hono@^4.10.0";
import { setImmediate } from "node:timers";
import WebSocket from "npm:ws@^8.18.0";
import { getConnInfo, upgradeWebSocket } from "npm:hono@^4.10.0/deno";
import type { Runtime, WsUpgrade } from "./types.ts";
import { wrapWebSocket } from "./_ws_client.ts";
import { adaptUpgrade } from "./_hono_ws.ts";
import { peer } from "./_peer.ts";
import { readTail } from "./_stderr_tail.ts";
import { spawnDenoScript } from "./_deno_piped.ts";
import { peerAddressOf, wsOptions } from "./_connect.ts";
import { canTrackTrees, killTree, newTag, TAG_VARIABLE } from "./_process_tree.ts";

const wsUpgrade: WsUpgrade = adaptUpgrade<WebSocket>(
  upgradeWebSocket,
  (ws) => ws.raw!.binaryType = "arraybuffer",
);

/** Bytes a BYOB read may fill at once. */
const READ_BUFFER = 4 * 1024 * 1024;

/**
 * Writes a stream to a file, handing every chunk to `onChunk` first. To see
 * the bytes, JavaScript must read them, which `pipeTo` (all in Rust) never
 * does: so a byte stream is read with a BYOB reader into two buffers in
 * turn (a read takes all that has arrived, ~180 KB for a `fetch()` body,
 * rather than one 64 KiB chunk), and while one buffer is written (on Deno's
 * blocking pool) the next read fills the other and `onChunk` runs. Measured
 * as fast as `pipeTo` for a 1 GiB `fetch()` body hashed on the way.
 *
 * @returns The bytes written.
 */
async function writeSeeing(
  file: Deno.FsFile,
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): Promise<number> {
  const writeAll = async (b: Uint8Array) => {
    for (let at = 0; at < b.length;) at += await file.write(b.subarray(at));
  };
  let size = 0;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch {
    for await (const chunk of stream) { // not a byte stream
      onChunk(chunk);
      await writeAll(chunk);
      size += chunk.length;
    }
    return size;
  }
  const buffers = [new Uint8Array(READ_BUFFER), new Uint8Array(READ_BUFFER)];
  let k = 0;
  let writing: Promise<void> = Promise.resolve();
  try {
    let next = reader.read(buffers[k]!);
    while (true) {
      const { value, done } = await next;
      if (done) break;
      await writing; // the other buffer is free again
      writing = writeAll(value);
      k ^= 1;
      next = reader.read(buffers[k]!);
      onChunk(value);
      size += value.length;
      buffers[k ^ 1] = new Uint8Array(value.buffer); // the read handed its buffer over
    }
    await writing;
  } catch (e) {
    writing.catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
  return size;
}

/** One HTTP client per trusted CA (a client keeps its connection pool). */
const httpClients = new Map<string, Deno.HttpClient>();

function httpClient(ca: string): Deno.HttpClient {
  let client = httpClients.get(ca);
  if (!client) httpClients.set(ca, client = Deno.createHttpClient({ caCerts: [ca] }));
  return client;
}

/** Rain's runtime seam on Deno. */
export const denoRuntime: Runtime = {
  name: "deno",
  async serve({ hostname, port, tls, build }) {
    const app = new Hono();
    build(app, wsUpgrade);
    const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve(
      { hostname, port, ...tls, onListen: (a) => resolve(a as Deno.NetAddr) },
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
  connectWebSocket: (url, options) =>
    wrapWebSocket(new WebSocket(url, wsOptions(options)) as never, url),
  httpGet(url, options = {}) {
    const init: RequestInit & { client?: Deno.HttpClient } = {};
    if (options.headers !== undefined) init.headers = options.headers;
    if (options.ca !== undefined) init.client = httpClient(options.ca);
    return fetch(url, init);
  },
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
    // Stopping it also stops what it started: found by its tag (see _process_tree.ts), or
    // where that cannot be done, as its own process group (which makes Deno fork, 4-5x slower).
    const tag = canTrackTrees ? newTag() : "";
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
    const kill = () => {
      if (tag) return killTree(child.pid, tag);
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
    try {
      if (!onChunk) await stream.pipeTo(file.writable);
      else return await writeSeeing(file, stream, onChunk);
    } finally {
      try {
        file.close();
      } catch {
        // pipeTo closed it already
      }
    }
    return (await Deno.stat(path)).size;
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
  clientAddress: (c) => peer(() => getConnInfo(c).remote),
  residentMemory: () => Deno.memoryUsage().rss,
  nextTurn: (callback) => void setImmediate(callback),
  writeStderr: (text) => void Deno.stderr.writeSync(new TextEncoder().encode(text)),
  stderrIsTerminal: () => Deno.stderr.isTerminal(),
};
