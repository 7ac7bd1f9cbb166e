/**
 * The Cloudflare Workers entry point of the Rain server (bundled by
 * `edge/build.ts` into `edge/dist/worker.js`).
 *
 * Every request, WebSocket upgrades included, goes to one Durable Object, the
 * server (`RainServer`), which holds all coordination state; the worker itself
 * keeps none. Governors run on ordinary machines and join it as they join any
 * server (`rain governor HOST:PORT`, the worker's address); object data moves
 * between governors and clients directly, never through the edge.
 *
 * @module
 */
import type { EdgeEnv } from "./platform.ts";
import { RainServerObject } from "./server_object.ts";

/** The server's Durable Object class, bound as `RAIN_SERVER` in the worker's configuration. */
export { RainServerObject as RainServer };

/** The name of the one server object: every request of the deployment reaches the same instance. */
const SERVER_NAME = "rain";

/** The worker: forwards every request to the server object. */
export default {
  /**
   * Forwards a request to the server object.
   *
   * @param request The request.
   * @param env The worker's bindings.
   * @returns The object's response.
   */
  fetch(request: Request, env: EdgeEnv): Promise<Response> {
    const ns = env.RAIN_SERVER;
    return ns.get(ns.idFromName(SERVER_NAME)).fetch(request);
  },
};
