/**
 * Rain for TypeScript: a distributed, task-based pipeline runtime.
 *
 * Build a graph of tasks and data objects in a session, submit it to a Rain
 * server, and fetch the results.
 *
 * @example Hello world
 * ```ts ignore
 * import { blob, Client, tasks } from "./mod.ts";
 *
 * const client = await Client.connect("localhost", 7210);
 * {
 *   await using session = client.newSession();
 *   const t = tasks.concat([blob("Hello "), blob("world!")]);
 *   t.output.keep();
 *   await session.submit();
 *   console.log((await t.output.fetch()).text()); // "Hello world!"
 * }
 * await client.close();
 * ```
 *
 * @module
 */
export * from "./client/mod.ts";
export { DataInstance } from "./common/data_instance.ts";
export { ProtocolError, RainError, SessionFailedError } from "./common/errors.ts";
export type * from "./common/attributes.ts";
export type { Encoding } from "./common/content_type.ts";
