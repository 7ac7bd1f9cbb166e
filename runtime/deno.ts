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
import { spawnDenoScript } from "./_deno_piped.ts";
import { peerAddressOf, wsOptions } from "./_connect.ts";
import { SpawnPool } from "./_spawn_pool.ts";
import { collectV8Garbage } from "./_v8_gc.ts";

const wsUpgrade: WsUpgrade = adaptUpgrade<WebSocket>(
  upgradeWebSocket,
  (ws) => ws.raw!.binaryType = "arraybuffer",
);

/**
 * Set by the npm build (`scripts/_bundle.ts`) to the bundled spawn worker's
 * path relative to the bundle's files; undefined in the sources.
 */
declare const RAIN_BUNDLED_SPAWN_WORKER: string | undefined;

/**
 * Programs start on worker threads (see `_spawn_pool.ts`), one per core up to
 * four (each costs memory), at least two: on 2 cores `execute("true")` ran at
 * 45-50% of the bare spawn rate with one thread and 74-93% with two (warm),
 * as one thread spawns while the other waits for its program.
 */
const spawnPool = new SpawnPool(
  new URL(
    typeof RAIN_BUNDLED_SPAWN_WORKER === "string"
      ? RAIN_BUNDLED_SPAWN_WORKER
      : "./_deno_spawn_worker.ts",
    import.meta.url,
  ),
  Math.min(4, Math.max(2, navigator.hardwareConcurrency)),
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
  // `ws` rather than Deno's own client, which does not set TCP_NODELAY: two
  // frames sent back to back then wait ~44 ms for the reply to the second
  // (delayed ACK), against ~5 ms with `ws` (measured on loopback, Deno 2.9).
  connectWebSocket: (url, options) =>
    wrapWebSocket(new WebSocket(url, wsOptions(options)) as never, url),
  httpGet(url, options = {}) {
    const init: RequestInit & { client?: Deno.HttpClient } = {};
    if (options.headers !== undefined) init.headers = options.headers;
    if (options.ca !== undefined) init.client = httpClient(options.ca);
    return fetch(url, init);
  },
  peerAddress: (c) => peerAddressOf(() => getConnInfo(c).remote.address),
  spawn: (options) => spawnPool.spawn(options),
  prepareSpawn: () => spawnPool.prepare(),
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
  collectGarbage: collectV8Garbage,
  nextTurn: (callback) => void setImmediate(callback),
  writeStderr: (text) => void Deno.stderr.writeSync(new TextEncoder().encode(text)),
  stderrIsTerminal: () => Deno.stderr.isTerminal(),
};
