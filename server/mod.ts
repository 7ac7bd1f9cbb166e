/**
 * The Rain server.
 *
 * @example Start a server
 * ```ts ignore
 * import { startServer } from "./mod.ts";
 * const server = await startServer({ port: 7210 });
 * ```
 *
 * @module
 */
export { DEFAULT_SERVER_PORT, type RainServer, type ServerOptions, startServer } from "./server.ts";
export { createServerApp, type ServerApp, type ServerAppOptions } from "./app.ts";
export { DEFAULT_LIMITS, type ServerLimits } from "./limits.ts";
export type { CoreOptions } from "./core.ts";
export type { ServerTls } from "../runtime/types.ts";
