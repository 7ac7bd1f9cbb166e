/**
 * The runtime seam inside workerd (Cloudflare Workers), where only the
 * server runs, as a Durable Object (`edge/`).
 *
 * The edge build (`edge/build.ts`) bundles this module in place of
 * `runtime/mod.ts`, so the worker never loads the Deno, Node or Bun seams nor
 * their `node:` modules. Nothing here can serve, spawn or touch files: the
 * platform serves the worker itself, its WebSockets are accepted by the
 * Durable Object (`createServerApp({ webSocket })`), and governors, which need
 * processes and a disk, run on ordinary machines.
 *
 * @module
 */
import { peer } from "./_peer.ts";
import type { Runtime } from "./types.ts";

export type * from "./types.ts";

/** The error of everything the edge cannot do. */
function unsupported(what: string, why: string): never {
  throw new Error(`Cannot ${what} on workerd: ${why}`);
}

const NO_OS = "governors, which need an OS, run on ordinary machines (`rain governor SERVER`)";

/**
 * The address of the request's sender: Cloudflare puts it in this header
 * (and replaces any the sender set); local workerd sends none.
 */
const CONNECTING_IP = "CF-Connecting-IP";

/** Rain's runtime seam inside workerd. */
export const workerdRuntime: Runtime = {
  name: "workerd",
  serve: () => unsupported("listen on a port", "the platform serves the worker itself"),
  embedWebSocket: () =>
    unsupported(
      "accept WebSockets without a Durable Object",
      "pass the Durable Object's WebSocket support as createServerApp({ webSocket })",
    ),
  connectWebSocket: () => unsupported("open a WebSocket client", NO_OS),
  httpGet: () => unsupported("fetch object data", NO_OS),
  peerAddress: (c) => c.req.header(CONNECTING_IP) || "unknown",
  // The platform gives the sender's address only, never its port.
  clientAddress: (c) =>
    peer(() => {
      const address = c.req.header(CONNECTING_IP);
      return address === undefined ? {} : { address };
    }),
  // Settings come as the worker's bindings (`edge/platform.ts`), not as an environment.
  env: () => undefined,
  spawn: () => unsupported("run programs", NO_OS),
  prepareSpawn: () => {},
  spawnScript: () => unsupported("start executors", NO_OS),
  readFileStream: () => unsupported("read files", NO_OS),
  writeFileStream: () => unsupported("write files", NO_OS),
  // The platform stops the worker; there are no process signals.
  onShutdownSignal: () => () => {},
  args: () => [],
  // Only governors report their memory; the isolate's is not exposed to the worker.
  residentMemory: () => unsupported("measure a process's memory", NO_OS),
  // No setImmediate: a zero timer is the next turn.
  nextTurn: (callback) => void setTimeout(callback, 0),
  // The worker's stderr is its log (`wrangler tail`, workerd's own stderr), one entry per call.
  writeStderr: (text) => console.error(text.endsWith("\n") ? text.slice(0, -1) : text),
  stderrIsTerminal: () => false,
  exit: () => unsupported("exit", "the platform owns the process"),
};

/** The runtime seam of the worker (the edge build's stand-in for `runtime/mod.ts`). */
export const runtime: Runtime = workerdRuntime;
